import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  type Tracer,
} from '@opentelemetry/api';
import type { Middleware } from 'koa';
import { matchedRoute } from '../router';

/**
 * One server span per request, continuing a caller's `traceparent`. It is the active span while
 * the route runs, so the Temporal client's spans (and through their headers the workflow's and
 * its activities') join the same trace. Named by route template, never by raw path.
 */
export function serverSpans(tracer: Tracer): Middleware {
  return (ctx, next) => {
    const parent = propagation.extract(ROOT_CONTEXT, ctx.headers);
    const attributes = { 'http.request.method': ctx.method, 'url.path': ctx.path };
    const options = { kind: SpanKind.SERVER, attributes };
    return tracer.startActiveSpan(ctx.method, options, parent, async (span) => {
      try {
        await next();
      } finally {
        const route = matchedRoute(ctx);
        if (route) {
          span.updateName(`${ctx.method} ${route}`);
          span.setAttribute('http.route', route);
        }
        span.setAttribute('http.response.status_code', ctx.status);
        if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  };
}
