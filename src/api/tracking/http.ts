import type { Context, Middleware } from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../../config';
import { rateLimited } from '../../domain/errors';
import { TRACKING_PATH } from '../../tracking/tracking-links';
import { TRACKING_ENTRY } from '../browser-bundles';
import { problemFor } from '../problem';
import type { RouteResult } from '../route';
import { loadAssets } from '../static-assets';
import { notFoundPage, tooManyRequestsPage, type PageAssets } from './page';

const ASSETS_PREFIX = `${TRACKING_PATH}/assets/`;

/**
 * Every tracking answer (page, JSON, stream, 404, 429): the page's own script and style only, no
 * framing, no referrer (the token is in the URL), kept out of search engines and caches.
 */
export const TRACKING_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Robots-Tag': 'noindex',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  // HTML or JSON by Accept: a cache that kept one must not answer the other.
  Vary: 'Accept',
};

/** The page's script and stylesheet URLs (content-hashed, so cacheable forever). */
export async function pageAssets(): Promise<PageAssets> {
  const { js, css } = await loadAssets(TRACKING_ENTRY);
  return { script: ASSETS_PREFIX + js.name, style: ASSETS_PREFIX + css.name };
}

/** JSON when the client asks for it; a browser, curl (any type) or anything else gets the page. */
export const wantsJson = (ctx: Context) => ctx.accepts('html', 'json') === 'json';

// One fixed body per kind: no request id, no path, nothing that tells one unknown link from another.
const NOT_FOUND_JSON = JSON.stringify(
  problemFor('not-found', 'There is no tracking page at this address.'),
);

/**
 * The one answer for a link that leads nowhere: malformed, unknown or replaced, the same status,
 * headers and bytes (the page for a browser, problem+json for JSON and the event stream).
 */
export async function notFoundAnswer(
  ctx: Context,
  as: 'negotiated' | 'json',
): Promise<RouteResult> {
  if (as === 'json' || wantsJson(ctx)) {
    return {
      status: 404,
      body: NOT_FOUND_JSON,
      headers: { 'Content-Type': 'application/problem+json' },
    };
  }
  return {
    status: 404,
    body: notFoundPage(await pageAssets()),
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  };
}

/** Serves the tracking page's script and stylesheet; they change only with a new build. */
export function trackingAssets(): Middleware {
  return async (ctx, next) => {
    if (!ctx.path.startsWith(ASSETS_PREFIX)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const found = (await loadAssets(TRACKING_ENTRY)).byName.get(
      ctx.path.slice(ASSETS_PREFIX.length),
    );
    if (!found) return next();
    ctx.set({
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
    ctx.type = found.type;
    ctx.body = found.body;
  };
}

/**
 * In front of the tracking routes: their headers on every answer, and a fixed window of
 * TRACKING_RATE_LIMIT_PER_MINUTE requests per client address (`ctx.ip`: X-Forwarded-For only
 * with TRUST_PROXY), counted in this process's memory. Over it: 429 with Retry-After, as a page
 * or as problem+json.
 */
export function trackingGuard(config: Pick<Config, 'TRACKING_RATE_LIMIT_PER_MINUTE'>): Middleware {
  const limiter = new RateLimiterMemory({
    points: config.TRACKING_RATE_LIMIT_PER_MINUTE,
    duration: 60,
  });
  return async (ctx, next) => {
    if (!ctx.path.startsWith(`${TRACKING_PATH}/`) || ctx.path.startsWith(ASSETS_PREFIX)) {
      return next();
    }
    ctx.set(TRACKING_HEADERS);
    try {
      await limiter.consume(ctx.ip);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      if (wantsJson(ctx) || ctx.path.endsWith('/events')) {
        throw rateLimited('Too many tracking requests from your address.', seconds);
      }
      ctx.status = 429;
      ctx.set('Retry-After', String(seconds));
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = tooManyRequestsPage(await pageAssets(), seconds);
      return;
    }
    return next();
  };
}
