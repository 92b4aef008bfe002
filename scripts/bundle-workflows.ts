/** Builds the production workflow bundles (dist/workflow-bundle*.js) with the SDK's bundler. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflows } from '../src/temporal/workflow-bundler';
import { workflowBundleFile } from '../src/temporal/workflow-bundles';

async function main(): Promise<void> {
  for (const traced of [false, true]) {
    const out = path.resolve(__dirname, '../dist', workflowBundleFile(traced));
    await writeFile(out, await bundleWorkflows({ traced }));
    console.log(`workflow bundle written to ${out}`);
  }
}

void main();
