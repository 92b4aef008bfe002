/**
 * Writes the browser code's bundles (the console, the tracking page) into dist/<name> for the
 * production API to serve.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BROWSER_ENTRIES, builtFiles, bundleBrowserCode } from '../src/api/browser-bundles';

async function main(): Promise<void> {
  for (const entry of BROWSER_ENTRIES) {
    const { js, css } = await bundleBrowserCode(entry);
    const out = path.resolve(__dirname, '../dist', entry.name);
    const files = builtFiles(entry);
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, files.js), js);
    await writeFile(path.join(out, files.css), css);
    console.log(`${entry.name} bundle written to ${out} (${js.length + css.length} bytes)`);
  }
}

void main();
