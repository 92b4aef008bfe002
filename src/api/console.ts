import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';
import { CONSOLE_PATH } from '../tracking/tracking-links';
import { bundleConsole, CONSOLE_SOURCE_ENTRY, type ConsoleBundle } from './console-bundle';

export { CONSOLE_PATH };
/** Where `npm run build` writes the bundle: dist/console, beside dist/src. */
export const CONSOLE_BUILD_DIR = path.resolve(__dirname, '../../console');
export const CONSOLE_FILES = { js: 'console.js', css: 'console.css' } as const;

interface Asset {
  name: string;
  type: string;
  body: string;
}

interface LoadedConsole {
  html: string;
  assets: Map<string, Asset>;
}

async function readBuilt(): Promise<ConsoleBundle> {
  const read = (name: string) => readFile(path.join(CONSOLE_BUILD_DIR, name), 'utf8');
  return { js: await read(CONSOLE_FILES.js), css: await read(CONSOLE_FILES.css) };
}

/** Named by content, so a browser may keep an asset forever and a new build is a new URL. */
function asset(base: string, extension: string, type: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { name: `${base}-${hash}.${extension}`, type, body };
}

function page(js: Asset, css: Asset): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Delivery console</title>
<link rel="stylesheet" href="${CONSOLE_PATH}/assets/${css.name}"></head>
<body><div id="app"><noscript>The delivery console needs JavaScript.</noscript></div>
<script src="${CONSOLE_PATH}/assets/${js.name}" defer></script></body></html>`;
}

/**
 * The bundle from the build output, or, in a source checkout (`npm run dev`, the tests), bundled
 * from source on first use. Either way once per process.
 */
async function load(): Promise<LoadedConsole> {
  const bundle = existsSync(CONSOLE_SOURCE_ENTRY) ? await bundleConsole() : await readBuilt();
  const js = asset('console', 'js', 'application/javascript; charset=utf-8', bundle.js);
  const css = asset('console', 'css', 'text/css; charset=utf-8', bundle.css);
  return { html: page(js, css), assets: new Map([js, css].map((a) => [a.name, a])) };
}

// Shared by every app this process builds (the tests build many); a failed load is retried.
let loaded: Promise<LoadedConsole> | undefined;
function loadOnce(): Promise<LoadedConsole> {
  loaded ??= load().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}

const SECURITY_HEADERS = {
  // Scripts and styles from this origin only, no inline code, no framing; the API is same-origin.
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
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
      ctx.body = (await loadOnce()).html;
      return;
    }
    const prefix = `${CONSOLE_PATH}/assets/`;
    if (!ctx.path.startsWith(prefix)) return next();
    const found = (await loadOnce()).assets.get(ctx.path.slice(prefix.length));
    if (!found) return next();
    ctx.set({ ...SECURITY_HEADERS, 'Cache-Control': 'public, max-age=31536000, immutable' });
    ctx.type = found.type;
    ctx.body = found.body;
  };
}
