import Koa from 'koa';
import { createAuthenticator } from '../accounts/authenticate';
import { throttleLimits } from '../accounts/login-throttle';
import { redeemStreamTicket } from './notification-stream/stream-tickets';
import { accountPages } from './account-pages';
import { consoleAssets } from './console';
import type { AppDeps } from './deps';
import { EarlyAdmission } from './early-admission';
import { errorMiddleware } from './middleware/errors';
import { serverSpans } from './middleware/tracing';
import { buildOpenApiDocument, builtDaily } from './openapi';
import { createRequestLimiter, requestLimitsFrom } from './request-limits';
import { buildRouter } from './router';
import { defineRoute, type Route } from './route';
import { allRoutes } from './routes';
import { swaggerUi } from './swagger-ui';
import { trackingAssets, trackingGuard } from './tracking/http';

const VERSION = '0.1.0';

function openApiRoute(routes: () => Route[]): Route {
  const document = builtDaily(() => buildOpenApiDocument(routes(), { version: VERSION }));
  return defineRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'meta',
    access: { public: true },
    responses: { 200: { description: 'The OpenAPI document' } },
    handle: async () => ({ status: 200, body: document() }),
  });
}

/** The API routes plus the OpenAPI document route: what the router and the matrix test walk. */
export function apiRoutes(deps: AppDeps): Route[] {
  const routes: Route[] = [...allRoutes(deps)];
  routes.push(openApiRoute(() => routes));
  return routes;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: deps.config.TRUST_PROXY });
  const router = buildRouter(
    apiRoutes(deps),
    createAuthenticator(deps.db, deps.tokens, throttleLimits(deps.config)),
    {
      ticket: (ticket) => redeemStreamTicket(deps.db, ticket),
    },
    createRequestLimiter(requestLimitsFrom(deps.config)),
    new EarlyAdmission(deps.admission),
  );
  if (deps.tracer) app.use(serverSpans(deps.tracer));
  app.use(deps.metrics.middleware());
  app.use(errorMiddleware(deps.logger));
  app.use(deps.drain.middleware());
  app.use(swaggerUi());
  app.use(accountPages());
  app.use(consoleAssets());
  app.use(trackingAssets());
  app.use(trackingGuard(deps.config));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  app.silent = true;
  return app;
}
