/**
 * The OpenTelemetry workflow interceptors (sandbox-safe, from the official package). A bundle
 * carries its workflow interceptors inside it, so tracing needs a bundle of its own.
 */
export const WORKFLOW_TRACING_MODULE =
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/**
 * What `npm run build` writes next to `dist/src`: the plain bundle, and the traced one a worker
 * loads when tracing is on. Two files, so a worker without tracing runs no tracing code at all.
 */
export const workflowBundleFile = (traced: boolean) =>
  traced ? 'workflow-bundle-traced.js' : 'workflow-bundle.js';
