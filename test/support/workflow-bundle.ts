import { bundleWorkflowCode } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

// Bundling the workflows takes seconds; every worker a test run starts shares one bundle.
let bundle: Promise<string> | undefined;

/** The real workflows (`src/workflows`) bundled once per process; resolves to the file's path. */
export function workflowBundle(): Promise<string> {
  bundle ??= (async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
    });
    const file = path.join(os.tmpdir(), `workflow-bundle-${process.pid}-${randomUUID()}.js`);
    await writeFile(file, code);
    return file;
  })();
  return bundle;
}
