import type { Middleware } from 'koa';
import { CONSOLE_PATH } from '../tracking/tracking-links';
import { CONSOLE_ENTRY } from './browser-bundles';
import { loadAssets, type Asset } from './static-assets';

export { CONSOLE_PATH };

function page(js: Asset, css: Asset): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Delivery console</title>
<link rel="stylesheet" href="${CONSOLE_PATH}/assets/${css.name}"></head>
<body><div id="app"><noscript>The delivery console needs JavaScript.</noscript></div>
<script src="${CONSOLE_PATH}/assets/${js.name}" defer></script></body></html>`;
}

const SECURITY_HEADERS = {
  // Scripts and styles from this origin only, no inline code, no framing; the API is same-origin.
  // Images also from blob: URLs: proof photos need the bearer token, so the console reads their
  // bytes and shows them from object URLs it made itself.
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * The dispatch console: static files served at /console, outside the API (like Swagger UI), built
 * only on the public API. The page is revalidated on every load; its assets never change.
 */
export function consoleAssets(): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === `${CONSOLE_PATH}/`) {
      ctx.status = 308;
      return ctx.redirect(CONSOLE_PATH);
    }
    if (ctx.path === CONSOLE_PATH) {
      ctx.set({ ...SECURITY_HEADERS, 'Cache-Control': 'no-cache' });
      ctx.type = 'text/html; charset=utf-8';
      const { js, css } = await loadAssets(CONSOLE_ENTRY);
      ctx.body = page(js, css);
      return;
    }
    const prefix = `${CONSOLE_PATH}/assets/`;
    if (!ctx.path.startsWith(prefix)) return next();
    const found = (await loadAssets(CONSOLE_ENTRY)).byName.get(ctx.path.slice(prefix.length));
    if (!found) return next();
    ctx.set({ ...SECURITY_HEADERS, 'Cache-Control': 'public, max-age=31536000, immutable' });
    ctx.type = found.type;
    ctx.body = found.body;
  };
}
