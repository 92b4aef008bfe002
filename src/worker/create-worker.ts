import type { Config } from '../config';
import { NativeConnection, Worker, type WorkerDeploymentOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { Tracing } from '../telemetry/tracing';

/** The worker's own connection; its namespace is given to each worker, not to the connection. */
export function connectWorker(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}

export const workerShutdown = (config: Config) => ({
  graceSeconds: config.WORKER_SHUTDOWN_GRACE_SECONDS,
  forceSeconds: config.WORKER_SHUTDOWN_FORCE_SECONDS,
});

export type WorkflowSource = { kind: 'source' } | { kind: 'bundle'; codePath: string };

/**
 * In dev and tests the workflows are bundled from source at start; production loads the bundle
 * built by `npm run build` so workers start fast and run exactly the reviewed code.
 */
export function createDeliveryWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  workflows: WorkflowSource;
  /**
   * On shutdown, activities get `graceSeconds` to finish before they are cancelled, and the
   * worker gives up after `forceSeconds`, so one hung activity cannot hold a deploy for good.
   */
  shutdown?: { graceSeconds: number; forceSeconds: number };
  /** With a bundle, its own tracing interceptors must be in it (the traced bundle). */
  tracing?: Tracing['worker'];
  /** Worker Versioning (production): see src/temporal/worker-deployment.ts. */
  deployment?: WorkerDeploymentOptions;
}): Promise<Worker> {
  const { tracing } = opts;
  const fromSource = opts.workflows.kind === 'source';
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts.deps),
    // Every delivery's first task comes from the normal queue, later ones mostly from the sticky
    // one; the default ratio (0.2) left 2 of 10 pollers for a burst of new workflows.
    nonStickyToStickyPollRatio: 1,
    // A task for a run cached by a worker that died moves to the normal queue after this (10 s
    // by default, the API's whole deadline): see "Recovery in seconds" in the architecture.
    stickyQueueScheduleToStartTimeout: '3s',
    ...(opts.shutdown
      ? {
          shutdownGraceTime: `${opts.shutdown.graceSeconds}s`,
          shutdownForceTime: `${opts.shutdown.forceSeconds}s`,
        }
      : {}),
    ...(tracing
      ? {
          interceptors: {
            activity: tracing.activity,
            ...(fromSource ? { workflowModules: tracing.workflowModules } : {}),
          },
          sinks: tracing.sinks,
        }
      : {}),
    ...(opts.deployment ? { workerDeploymentOptions: opts.deployment } : {}),
    ...(opts.workflows.kind === 'bundle'
      ? { workflowBundle: { codePath: opts.workflows.codePath } }
      : { workflowsPath: require.resolve('../workflows') }),
  });
}
