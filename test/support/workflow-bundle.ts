import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundleWorkflows } from '../../src/temporal/workflow-bundler';

// Bundling the workflows takes seconds; every worker a test run starts shares one bundle.
const bundles = new Map<boolean, Promise<string>>();

/**
 * The real workflows (`src/workflows`) bundled once per process as `npm run build` bundles them,
 * plain or with the tracing interceptors; resolves to the file's path.
 */
export function workflowBundle(traced = false): Promise<string> {
  let bundle = bundles.get(traced);
  if (!bundle) {
    bundle = (async () => {
      const code = await bundleWorkflows({ traced, quietly: true });
      const file = path.join(os.tmpdir(), `workflow-bundle-${process.pid}-${randomUUID()}.js`);
      await writeFile(file, code);
      return file;
    })();
    bundles.set(traced, bundle);
  }
  return bundle;
}

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Another set of workflows (a test's own "next version"), bundled to a file; resolves to its path. */
export async function workflowBundleOf(workflowsPath: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet as never });
  const file = path.join(os.tmpdir(), `workflow-bundle-${process.pid}-${randomUUID()}.js`);
  await writeFile(file, code);
  return file;
}
