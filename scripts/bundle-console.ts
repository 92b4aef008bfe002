/** Writes the browser console's bundle into dist/console for the production API to serve. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONSOLE_FILES } from '../src/api/console';
import { bundleConsole } from '../src/api/console-bundle';

async function main(): Promise<void> {
  const { js, css } = await bundleConsole();
  const out = path.resolve(__dirname, '../dist/console');
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, CONSOLE_FILES.js), js);
  await writeFile(path.join(out, CONSOLE_FILES.css), css);
  console.log(`console bundle written to ${out} (${js.length + css.length} bytes)`);
}

void main();
