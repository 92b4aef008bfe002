import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { apiRoutes } from '../../src/api/app';
import { buildRouter, fullPath } from '../../src/api/router';
import type { Route } from '../../src/api/route';
import { ROLES, type Role } from '../../src/domain/roles';
import { baseUrl } from '../support/base-url';
import { stack } from '../support/stack';
import { createUserWithToken } from '../support/users';

const ALL: readonly Role[] = ['super_admin', 'admin', 'partner'];

/**
 * Who may call each route, written down independently of the route definitions (from the issues'
 * contract): a route whose declared roles drift from this, or a new route not listed here, fails.
 */
const EXPECTED_ACCESS: Record<string, 'public' | readonly Role[]> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /api/v1/openapi.json': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/refresh': 'public',
  'POST /api/v1/auth/logout': 'public',
  'POST /api/v1/auth/register': 'public',
  'POST /api/v1/auth/verify-email': 'public',
  'POST /api/v1/auth/forgot-password': 'public',
  'POST /api/v1/auth/reset-password': 'public',
  'GET /api/v1/users/me': ALL,
  'POST /api/v1/users': ['super_admin'],
  'GET /api/v1/users': ['super_admin'],
  // Any role may ask; the handler answers 404 unless it is the caller or a super admin.
  'GET /api/v1/users/{id}': ALL,
  'PATCH /api/v1/users/{id}': ['super_admin'],
  // Issue 12's console needs it; it shows every admin's workload, so super admins only.
  'GET /api/v1/admins/workload': ['super_admin'],
  // Issue 20: super admins run dispatch; an admin says whether it is available and answers offers.
  'GET /api/v1/settings/dispatch': ['super_admin'],
  'PUT /api/v1/settings/dispatch': ['super_admin'],
  'GET /api/v1/users/me/availability': ['admin'],
  'PUT /api/v1/users/me/availability': ['admin'],
  'PUT /api/v1/users/{id}/capacity': ['super_admin'],
  'GET /api/v1/offers': ['admin', 'super_admin'],
  'POST /api/v1/deliveries/{id}/offer/accept': ['admin'],
  'POST /api/v1/deliveries/{id}/offer/decline': ['admin'],
  'POST /api/v1/deliveries': ['partner'],
  'GET /api/v1/deliveries': ALL,
  // Issue 21: the export shows what the list shows, so whoever may list may export.
  'GET /api/v1/deliveries/export': ALL,
  // Issue 22: every partner's numbers and every admin's load, so super admins only.
  'GET /api/v1/deliveries/stats': ['super_admin'],
  'GET /api/v1/deliveries/{id}': ALL,
  // Issue 21: bulk create is a partner's create; a batch is seen by the partner that sent it.
  'POST /api/v1/deliveries/batches': ['partner'],
  'GET /api/v1/deliveries/batches': ['partner'],
  'GET /api/v1/deliveries/batches/{id}': ['partner'],
  'POST /api/v1/deliveries/{id}/assign': ['super_admin'],
  'POST /api/v1/deliveries/{id}/status': ['admin', 'super_admin'],
  'POST /api/v1/deliveries/{id}/cancel': ['partner', 'super_admin'],
  'POST /api/v1/deliveries/{id}/tracking-link': ['partner', 'super_admin'],
  // Issue 17: whoever may complete the delivery adds its photos; whoever sees it reads them.
  'POST /api/v1/deliveries/{id}/attachments': ['admin', 'super_admin'],
  'GET /api/v1/deliveries/{id}/attachments/{attachment_id}': ALL,
  'GET /api/v1/notifications': ALL,
  'POST /api/v1/notifications/read-all': ALL,
  'POST /api/v1/notifications/{id}/read': ALL,
  'POST /api/v1/notifications/stream-ticket': ALL,
  'GET /api/v1/notifications/stream': ALL,
  'PUT /api/v1/webhooks/endpoint': ['partner'],
  'DELETE /api/v1/webhooks/endpoint': ['partner'],
  // Issue 21: the partner reads its endpoint's state and re-enables it; the log and its replays
  // are the partner's own and, for support, every partner's for super admins.
  'GET /api/v1/webhooks/endpoint': ['partner'],
  'POST /api/v1/webhooks/endpoint/enable': ['partner'],
  'GET /api/v1/webhooks/attempts': ['partner', 'super_admin'],
  'POST /api/v1/webhooks/attempts/{id}/replay': ['partner', 'super_admin'],
  // Issue 13: partners manage their own keys; super admins list and revoke any partner's.
  'POST /api/v1/api-keys': ['partner'],
  'GET /api/v1/api-keys': ['partner', 'super_admin'],
  'DELETE /api/v1/api-keys/{id}': ['partner', 'super_admin'],
  // Issue 17: the recipient's tracking page and its live stream need no account.
  'GET /track/{token}': 'public',
  'GET /track/{token}/events': 'public',
};

interface Probe {
  status: number;
  wwwAuthenticate: string | null;
  cacheControl: string | null;
  contentType: string | null;
}

/**
 * Walks the route registry itself, so a route added later is checked without touching this file.
 * fetch resolves on the response head, so streaming routes cannot hang the walk.
 */
describe('route × role matrix', () => {
  let server: Server;
  let base: string;
  const tokens = {} as Record<Role, string>;
  const routes = () => apiRoutes(stack().deps);

  before(async () => {
    server = stack().app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = baseUrl(server);
    for (const role of ROLES) tokens[role] = (await createUserWithToken({ role })).token;
  });

  after(() => new Promise((resolve) => server.close(resolve)));

  async function probe(route: Route, token: string | null): Promise<Probe> {
    const path = fullPath(route).replace(/\{\w+\}/g, () => randomUUID());
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (token !== null) headers['Authorization'] = `Bearer ${token}`;
    const res = await fetch(base + path, {
      method: route.method.toUpperCase(),
      headers,
      body: route.method === 'get' ? undefined : '{}',
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    return {
      status: res.status,
      wwwAuthenticate: res.headers.get('www-authenticate'),
      cacheControl: res.headers.get('cache-control'),
      contentType: res.headers.get('content-type'),
    };
  }

  const name = (route: Route) => `${route.method.toUpperCase()} ${fullPath(route)}`;
  const isPublic = (route: Route) => 'public' in route.access;
  const allows = (route: Route, role: Role) =>
    !('public' in route.access) && route.access.roles.includes(role);

  it('when the registry is read, then every route and its declared roles match the expected access table', () => {
    expect(routes().map(name)).to.have.members(Object.keys(EXPECTED_ACCESS));
    for (const route of routes()) {
      const declared = 'public' in route.access ? 'public' : [...route.access.roles].sort();
      const expected = EXPECTED_ACCESS[name(route)]!;
      expect(declared, `${name(route)} declares other roles than the table`).to.deep.equal(
        expected === 'public' ? expected : [...expected].sort(),
      );
    }
  });

  it('when a route is called without a token or with a garbage one, then only public routes answer', async () => {
    const violations: string[] = [];
    for (const route of routes()) {
      for (const token of [null, 'garbage.token.value']) {
        const { status, wwwAuthenticate } = await probe(route, token);
        const label = `${name(route)} ${token === null ? 'without a token' : 'with a garbage token'}`;
        if (isPublic(route) && (status === 401 || status === 403)) {
          violations.push(`${label}: public route answered ${status}`);
        }
        if (!isPublic(route) && (status !== 401 || wwwAuthenticate !== 'Bearer')) {
          violations.push(`${label}: ${status}, WWW-Authenticate ${wwwAuthenticate}`);
        }
      }
    }
    expect(violations).to.deep.equal([]);
  });

  it('when a route is called with each role, then only the declared roles get past 401/403', async () => {
    const violations: string[] = [];
    for (const route of routes()) {
      for (const role of ROLES) {
        const { status } = await probe(route, tokens[role]);
        const label = `${name(route)} as ${role}`;
        if (isPublic(route) || allows(route, role)) {
          if (status === 401 || status === 403 || status >= 500)
            violations.push(`${label}: ${status}, expected entry without a server error`);
        } else if (status !== 403) {
          violations.push(`${label}: ${status}, expected 403`);
        }
      }
    }
    expect(violations).to.deep.equal([]);
  });

  it('when any route answers any caller, then no cache may store the answer (tokens, keys and personal data)', async () => {
    const violations: string[] = [];
    for (const route of routes()) {
      for (const token of [null, ...ROLES.map((role) => tokens[role])]) {
        const { status, cacheControl, contentType } = await probe(route, token);
        // The notification stream sets its own (no-cache, no-transform): an event stream is never stored.
        const streaming = contentType?.startsWith('text/event-stream') === true;
        if (!streaming && cacheControl !== 'no-store') {
          violations.push(`${name(route)} (${status}): Cache-Control ${cacheControl}`);
        }
      }
    }
    expect(violations).to.deep.equal([]);
  });

  it('when a route declares no access or no roles, then the router refuses to build', () => {
    const route = routes()[0] as Route;
    const noAccess = { ...route, access: undefined } as unknown as Route;
    const noRoles = { ...route, access: { roles: [] } } as unknown as Route;
    const authenticate = () => Promise.reject(new Error('unused'));
    expect(() => buildRouter([noAccess], authenticate)).to.throw(/declares no access/);
    expect(() => buildRouter([noRoles], authenticate)).to.throw(/declares no access/);
  });
});
