/**
 * Preloaded (`--require`) into a child process by test/unit/entry-point-modules.test.ts: at exit,
 * writes which packages and which of our source files the process had loaded to the JSON file
 * named by LOADED_MODULES_FILE. (Import its types only: importing it installs the exit hook.)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface LoadedModules {
  /** Package names (`koa`, `@temporalio/worker`), from the innermost node_modules of each file. */
  packages: string[];
  /** Our own files, relative to the repository (`src/api/app.ts`). */
  sources: string[];
}

process.once('exit', () => {
  const packages = new Set<string>();
  const sources: string[] = [];
  for (const file of Object.keys(require.cache)) {
    const name = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    if (name) packages.add(name);
    else sources.push(path.relative(ROOT, file));
  }
  const loaded: LoadedModules = { packages: [...packages].sort(), sources: sources.sort() };
  writeFileSync(process.env.LOADED_MODULES_FILE!, JSON.stringify(loaded));
});
