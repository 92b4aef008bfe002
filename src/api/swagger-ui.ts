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
<link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
<script>
  window.ui = SwaggerUIBundle({
    url: '${API_PREFIX}/openapi.json',
    dom_id: '#swagger-ui',
    persistAuthorization: true,
    tryItOutEnabled: true,
  });
</script></body></html>`;

/** Serves Swagger UI from the swagger-ui-dist package: no CDN, works offline. */
export function swaggerUi(): Middleware {
  const root = getAbsoluteFSPath();
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith(DOCS_PATH)) return next();
    const rest = ctx.path.slice(DOCS_PATH.length).replace(/^\//, '');
    if (rest === '') {
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
