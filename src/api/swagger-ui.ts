import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { API_PREFIX } from './router';

const DOCS_PATH = `${API_PREFIX}/docs`;
const ASSETS = new Map([
  ['swagger-ui.css', 'text/css'],
  ['swagger-ui-bundle.js', 'application/javascript'],
  ['swagger-ui-standalone-preset.js', 'application/javascript'],
  ['favicon-32x32.png', 'image/png'],
]);

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Delivery Aggregator API</title>
<link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png">
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script>
  window.ui = SwaggerUIBundle({
    url: '${API_PREFIX}/openapi.json',
    dom_id: '#swagger-ui',
    persistAuthorization: true,
    tryItOutEnabled: true,
    // Vendor extensions are hidden by default; x-roles (who may call each operation) must show.
    showExtensions: true,
    showCommonExtensions: true,
    displayRequestDuration: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
  });
</script></body></html>`;

/**
 * "Try it out" sends the token the page keeps (persistAuthorization), so no other site may frame
 * the page and click it for the user. (Swagger UI's inline script and styles rule out a full CSP.)
 */
const PAGE_HEADERS = {
  'Content-Security-Policy': "frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/** The swagger-ui-dist file a path names ('' for the page itself), or null if none. */
function fileFor(urlPath: string): string | null {
  // Browsers ask for /favicon.ico on any page of the origin; Swagger UI's icon answers it.
  if (urlPath === '/favicon.ico') return 'favicon-32x32.png';
  if (urlPath === DOCS_PATH) return '';
  return urlPath.startsWith(`${DOCS_PATH}/`) ? urlPath.slice(DOCS_PATH.length + 1) : null;
}

/** Serves Swagger UI from the swagger-ui-dist package: no CDN, works offline. */
export function swaggerUi(): Middleware {
  const root = getAbsoluteFSPath();
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const rest = fileFor(ctx.path);
    if (rest === null) return next();
    if (rest === '') {
      ctx.set(PAGE_HEADERS);
      ctx.type = 'text/html';
      ctx.body = PAGE;
      return;
    }
    const type = ASSETS.get(rest);
    if (!type) return next();
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await readFile(path.join(root, rest));
  };
}
