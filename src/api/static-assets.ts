import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  builtFiles,
  bundleBrowserCode,
  type BrowserBundle,
  type BrowserEntry,
} from './browser-bundles';

export interface Asset {
  name: string;
  type: string;
  body: string;
}

export interface LoadedAssets {
  js: Asset;
  css: Asset;
  byName: ReadonlyMap<string, Asset>;
}

async function readBuilt(entry: BrowserEntry): Promise<BrowserBundle> {
  const files = builtFiles(entry);
  const read = (name: string) => readFile(path.join(entry.buildDir, name), 'utf8');
  return { js: await read(files.js), css: await read(files.css) };
}

/** Named by content, so a browser may keep an asset forever and a new build is a new URL. */
function asset(base: string, extension: string, type: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return { name: `${base}-${hash}.${extension}`, type, body };
}

/**
 * The bundle from the build output, or, in a source checkout (`npm run dev`, the tests), bundled
 * from source on first use.
 */
async function load(entry: BrowserEntry): Promise<LoadedAssets> {
  const bundle = existsSync(entry.sourceEntry)
    ? await bundleBrowserCode(entry)
    : await readBuilt(entry);
  const js = asset(entry.name, 'js', 'application/javascript; charset=utf-8', bundle.js);
  const css = asset(entry.name, 'css', 'text/css; charset=utf-8', bundle.css);
  return { js, css, byName: new Map([js, css].map((a) => [a.name, a])) };
}

// Shared by every app this process builds (the tests build many); a failed load is retried.
const loaded = new Map<BrowserEntry, Promise<LoadedAssets>>();

/** The entry's assets, loaded once per process. */
export function loadAssets(entry: BrowserEntry): Promise<LoadedAssets> {
  let assets = loaded.get(entry);
  if (!assets) {
    assets = load(entry).catch((error: unknown) => {
      loaded.delete(entry);
      throw error;
    });
    loaded.set(entry, assets);
  }
  return assets;
}
