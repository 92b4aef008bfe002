import Router from '@koa/router';
import type { Context } from 'koa';
import { forbidden, unauthenticated } from '../domain/errors';
import { validate } from '../schemas/validate';
import { readJsonBody } from './middleware/json-body';
import type { AuthUser, Route } from './route';

export const API_PREFIX = '/api/v1';

export type Authenticate = (bearerToken: string) => Promise<AuthUser>;

export function fullPath(route: Route): string {
  return route.root ? route.path : API_PREFIX + route.path;
}

function koaPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

function bearerToken(ctx: Context): string | null {
  const header = ctx.get('Authorization');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

async function resolveUser(ctx: Context, route: Route, authenticate: Authenticate) {
  if ('public' in route.access) return null;
  const token = bearerToken(ctx);
  if (!token) throw unauthenticated();
  const user = await authenticate(token);
  if (!route.access.roles.includes(user.role)) throw forbidden();
  return user;
}

/** Builds the Koa router from route definitions; authentication and validation live here only. */
export function buildRouter(routes: readonly Route[], authenticate: Authenticate): Router {
  const router = new Router();
  for (const route of routes) {
    if (!route.access || (!('public' in route.access) && route.access.roles.length === 0)) {
      throw new Error(`Route ${route.method.toUpperCase()} ${route.path} declares no access`);
    }
    router[route.method](koaPath(fullPath(route)), async (ctx) => {
      const user = await resolveUser(ctx, route, authenticate);
      const params = route.params ? validate(route.params, { ...ctx.params }, 'params') : undefined;
      const query = route.query ? validate(route.query, { ...ctx.query }, 'query') : undefined;
      const rawBody = route.body ? await readJsonBody(ctx) : undefined;
      const body = route.body ? validate(route.body, rawBody ?? null, 'body') : undefined;
      const result = await route.handle({
        body,
        query,
        params,
        user: user as AuthUser,
        requestId: String(ctx.state['requestId']),
        headers: ctx.headers,
        ctx,
      });
      if (result.raw) return;
      for (const [name, value] of Object.entries(result.headers ?? {})) ctx.set(name, value);
      ctx.status = result.status;
      if (result.body !== undefined) ctx.body = result.body;
    });
  }
  return router;
}
