/** Builds the production workflow bundles (dist/workflow-bundle*.js) with the SDK's bundler. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflows } from '../src/temporal/workflow-bundler';
import { BUILD_ID_FILE, buildIdOf } from '../src/temporal/worker-deployment';
import { workflowBundleFile } from '../src/temporal/workflow-bundles';

async function main(): Promise<void> {
  for (const traced of [false, true]) {
    const out = path.resolve(__dirname, '../dist', workflowBundleFile(traced));
    const bundle = await bundleWorkflows({ traced });
    await writeFile(out, bundle);
    console.log(`workflow bundle written to ${out}`);
    // Both bundles hold the same workflow code; the plain one names it.
    if (!traced) {
      const buildId = buildIdOf(bundle);
      await writeFile(path.resolve(__dirname, '../dist', BUILD_ID_FILE), `${buildId}\n`);
      console.log(`workflow build ID ${buildId}`);
    }
  }
}

void main();
