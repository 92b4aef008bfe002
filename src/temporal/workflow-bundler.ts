// Kept out of workflow-bundles.ts: the API's tracing needs those names, not the worker package.
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_TRACING_MODULE } from './workflow-bundles';

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** The real workflows (`src/workflows`) bundled as production runs them. */
export async function bundleWorkflows(opts: { traced: boolean; quietly?: boolean }) {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    workflowInterceptorModules: opts.traced ? [WORKFLOW_TRACING_MODULE] : [],
    ...(opts.quietly ? { logger: quiet as never } : {}),
  });
  return code;
}
