/** Builds the production workflow bundle (dist/workflow-bundle.js) with the SDK's bundler. */
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../src/workflows'),
  });
  const out = path.resolve(__dirname, '../dist/workflow-bundle.js');
  await writeFile(out, code);
  console.log(`workflow bundle written to ${out}`);
}

void main();
