import Router from '@koa/router';
import { METHODS } from 'node:http';
import type { Context } from 'koa';
import { forbidden, unauthenticated, ValidationError } from '../domain/errors';
import { binaryContent } from '../schemas/binary';
import { validate } from '../schemas/validate';
import { readBinaryBody } from './middleware/binary-body';
import type { EarlyAdmission } from './early-admission';
import { readJsonBody } from './middleware/json-body';
import type { LimitRequest } from './request-limits';
import type { AuthUser, Route, RouteResult } from './route';

export const API_PREFIX = '/api/v1';

/** The template of the route that served the request (`/deliveries/:id`), once routing ran. */
export function matchedRoute(ctx: Context): string | undefined {
  const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof route === 'string' ? route : undefined;
}

/** A JWT or a partner's API key; the client address counts failed attempts. */
export type Authenticate = (bearerToken: string, clientAddress: string) => Promise<AuthUser>;

/** Resolves a route's `queryCredential` value to its user, or throws `unauthenticated`. */
export type CredentialResolver = (value: string) => Promise<AuthUser>;

export function fullPath(route: Route): string {
  return route.root ? route.path : API_PREFIX + route.path;
}

function koaPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

const isParameter = (segment: string) => segment.startsWith('{');

/**
 * The routes' fully literal paths that a parameterised route would also match: `/users/me` for
 * `/users/{id}`. A literal segment wins, so "me" is never taken for an id.
 */
function literalPathsWithin(route: Route, routes: readonly Route[]): Set<string> {
  const segments = fullPath(route).split('/');
  const within = new Set<string>();
  if (!segments.some(isParameter)) return within;
  for (const other of routes) {
    const path = fullPath(other);
    const otherSegments = path.split('/');
    if (otherSegments.length !== segments.length || otherSegments.some(isParameter)) continue;
    if (segments.every((segment, i) => isParameter(segment) || segment === otherSegments[i])) {
      within.add(path);
    }
  }
  return within;
}

/**
 * The bearer token, or null when the request has no Authorization header. A header that is not
 * `Bearer <token>` is a 401 of its own: a request must not pass on the query credential beside
 * an Authorization header the server could not read.
 */
function bearerToken(ctx: Context): string | null {
  const header = ctx.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  return match[1]!;
}

/** The bearer header, or else the route's query credential; neither is a 401. */
function identify(
  ctx: Context,
  route: Route,
  authenticate: Authenticate,
  resolvers: Readonly<Record<string, CredentialResolver>>,
): Promise<AuthUser> {
  const token = bearerToken(ctx);
  if (token) return authenticate(token, ctx.ip);
  const name = route.queryCredential;
  const value = name ? ctx.query[name] : undefined;
  const resolve = name ? resolvers[name] : undefined;
  if (resolve && typeof value === 'string' && value !== '') return resolve(value);
  throw unauthenticated();
}

async function resolveUser(
  ctx: Context,
  route: Route,
  authenticate: Authenticate,
  resolvers: Readonly<Record<string, CredentialResolver>>,
) {
  if ('public' in route.access) return null;
  const user = await identify(ctx, route, authenticate, resolvers);
  if (!route.access.roles.includes(user.role)) throw forbidden();
  if (route.sessionOnly && user.apiKey) {
    throw forbidden('An API key cannot do this; sign in as a user.');
  }
  return user;
}

function queryInput(ctx: Context, route: Route): Record<string, unknown> {
  const query: Record<string, unknown> = { ...ctx.query };
  if (route.queryCredential) delete query[route.queryCredential];
  return query;
}

/** The path parameters, validated; undefined when the route has none. */
function pathParams(ctx: Context, route: Route): unknown {
  return route.params ? validate(route.params, { ...ctx.params }, 'params') : undefined;
}

function respond(ctx: Context, result: RouteResult): void {
  if (result.raw) return;
  for (const [name, value] of Object.entries(result.headers ?? {})) ctx.set(name, value);
  // Without an explicit empty body, Koa answers the status text as text/plain (a 202
  // "Accepted" the document does not declare).
  if (result.body === undefined) ctx.body = null;
  ctx.status = result.status;
  if (result.body !== undefined) ctx.body = result.body;
}

/** The body as the route's schema takes it: JSON, validated; or the bytes of a binary body. */
async function readBody(ctx: Context, route: Route): Promise<unknown> {
  if (!route.body) return undefined;
  const binary = binaryContent(route.body);
  if (binary) return readBinaryBody(ctx, binary);
  return validate(route.body, (await readJsonBody(ctx, route.jsonLimits)) ?? null, 'body');
}

/**
 * Past capacity, a create or change from a caller authenticated moments ago is refused before its
 * authentication reads the database or its body is parsed. It is counted against the request
 * limits first, as every authenticated request is, so a partner's refusal still states them.
 * True when it was counted (the request goes on, to be authenticated in full).
 */
async function admitEarly(
  ctx: Context,
  route: Route,
  early: EarlyAdmission | undefined,
  limitRequest: LimitRequest | undefined,
): Promise<boolean> {
  if (!route.lane || !early || !('roles' in route.access)) return false;
  const recent = early.recall(ctx.headers.authorization, route.access.roles);
  if (!recent) return false;
  if (limitRequest) await limitRequest(ctx, recent);
  early.refuse(route.lane, recent);
  return true;
}

/**
 * Makes the route just registered ignore the given paths, in dispatch and in the methods that
 * OPTIONS and a 405's Allow header list, which both come from the layer's `match`.
 */
function excludeLiteralPaths(router: Router, paths: Set<string>): void {
  const layer = router.stack.at(-1);
  if (!layer || paths.size === 0) return;
  const matches = layer.match.bind(layer);
  layer.match = (path: string) => matches(path) && !paths.has(path);
}

/**
 * Builds the Koa router from route definitions; authentication, request limits and validation
 * live here only. `limitRequest` counts each authenticated request once its caller is known;
 * `early` refuses a route's admission lane past capacity before any of that.
 */
export function buildRouter(
  routes: readonly Route[],
  authenticate: Authenticate,
  credentialResolvers: Readonly<Record<string, CredentialResolver>> = {},
  limitRequest?: LimitRequest,
  early?: EarlyAdmission,
): Router {
  // Every method Node accepts counts as known, so `allowedMethods` answers 405 + Allow for one a
  // route lacks (TRACE, PURGE…) instead of a plain-text 501 that bypasses problem+json. Paths are
  // exact, as the document writes them: another letter case or a trailing slash is a 404.
  const router = new Router({ methods: [...METHODS], sensitive: true, strict: true });
  for (const route of routes) {
    const name = `${route.method.toUpperCase()} ${route.path}`;
    if (!route.access || (!('public' in route.access) && route.access.roles.length === 0)) {
      throw new Error(`Route ${name} declares no access`);
    }
    if (route.queryCredential && !credentialResolvers[route.queryCredential]) {
      throw new Error(`Route ${name} accepts an unknown credential ${route.queryCredential}`);
    }
    router[route.method](koaPath(fullPath(route)), async (ctx) => {
      // Answers carry tokens, keys and personal data: no browser or proxy may keep one, the
      // refusals included (RFC 6749 5.1 asks it of token answers; the rest are per caller too).
      ctx.set('Cache-Control', 'no-store');
      const counted = await admitEarly(ctx, route, early, limitRequest);
      const user = await resolveUser(ctx, route, authenticate, credentialResolvers);
      if (route.lane && user) early?.remember(ctx.headers.authorization, user);
      if (user && limitRequest && !counted) await limitRequest(ctx, user);
      let params: unknown;
      try {
        params = pathParams(ctx, route);
      } catch (error) {
        if (!(error instanceof ValidationError) || !route.invalidParams) throw error;
        return respond(ctx, await route.invalidParams({ ctx }));
      }
      const query = route.query
        ? validate(route.query, queryInput(ctx, route), 'query')
        : undefined;
      const body = route.body ? await readBody(ctx, route) : undefined;
      const result = await route.handle({
        body,
        query,
        params,
        user: user as AuthUser,
        requestId: String(ctx.state['requestId']),
        headers: ctx.headers,
        ctx,
      });
      respond(ctx, result);
    });
    excludeLiteralPaths(router, literalPathsWithin(route, routes));
  }
  return router;
}
