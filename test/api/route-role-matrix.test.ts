import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { apiRoutes } from '../../src/api/app';
import { buildRouter, fullPath } from '../../src/api/router';
import type { Route } from '../../src/api/route';
import { ROLES, type Role } from '../../src/domain/roles';
import { stack } from '../support/stack';
import { createUserWithToken } from '../support/users';

interface Probe {
  status: number;
  wwwAuthenticate: string | null;
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
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate') };
  }

  const name = (route: Route) => `${route.method.toUpperCase()} ${fullPath(route)}`;
  const isPublic = (route: Route) => 'public' in route.access;
  const allows = (route: Route, role: Role) =>
    !('public' in route.access) && route.access.roles.includes(role);

  it('when the registry is read, then it holds the account routes and every route declares access', () => {
    const names = routes().map(name);
    expect(names).to.include.members([
      'POST /api/v1/auth/login',
      'POST /api/v1/users',
      'GET /api/v1/users/{id}',
      'PATCH /api/v1/users/{id}',
    ]);
    for (const route of routes()) expect(route.access, name(route)).to.be.an('object');
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
          if (status === 401 || status === 403)
            violations.push(`${label}: ${status}, expected entry`);
        } else if (status !== 403) {
          violations.push(`${label}: ${status}, expected 403`);
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
