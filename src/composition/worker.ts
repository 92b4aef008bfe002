/**
 * Builds the delivery worker process from configuration: the worker entry point, the dev platform
 * and the test stack use it. Apart from the API's composition (`./api`), so neither production
 * process loads the other's code (test/unit/entry-point-modules.test.ts).
 */
import { Client } from '@temporalio/client';
import { ensureSandboxRemovalSchedule } from '../temporal/sandbox-removal-schedule';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import type { Tracing } from '../telemetry/tracing';
import { activityDepsFrom } from '../activities';
import { RunWatcher } from '../deliveries/run-watcher';
import { promoteWhereDue, versionedWorkerOptions } from '../temporal/worker-deployment';
import {
  connectWorker,
  createDeliveryWorker,
  workerShutdown,
  type WorkflowSource,
} from '../worker/create-worker';

export interface ComposedWorker {
  worker: Worker;
  connection: NativeConnection;
  /** Starts the run watcher (src/deliveries/run-watcher.ts); the returned function stops it. */
  watchRuns(): () => Promise<void>;
  /** Runs the worker in the background; the returned function stops it and its connection. */
  runInBackground(): () => Promise<void>;
}

/** The delivery worker on the configured task queue, its activities on the given database. */
export async function composeWorker(
  config: Config,
  parts: {
    logger: Logger;
    db: Db;
    address: string;
    workflows: WorkflowSource;
    tracing?: Tracing;
    /** The version this worker declares (production); without it the worker is unversioned. */
    deploymentVersion?: WorkerDeploymentVersion | null;
  },
): Promise<ComposedWorker> {
  const connection = await connectWorker(parts.address);
  const versioning =
    parts.deploymentVersion && config.WORKER_VERSIONING !== 'off'
      ? { version: parts.deploymentVersion, mode: config.WORKER_VERSIONING }
      : null;
  // The batch activities start delivery workflows: a client on the worker's own connection.
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const activityDeps = activityDepsFrom(config, parts.db, parts.logger, client);
  const worker = await createDeliveryWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: activityDeps,
    workflows: parts.workflows,
    shutdown: workerShutdown(config),
    ...(parts.tracing ? { tracing: parts.tracing.worker } : {}),
    ...(versioning
      ? { deployment: versionedWorkerOptions(versioning.version, versioning.mode) }
      : {}),
  });
  // In the background: a Temporal hiccup here must not keep the worker from starting.
  ensureSandboxRemovalSchedule(client, config.TEMPORAL_TASK_QUEUE).catch((error: unknown) =>
    parts.logger.error({ err: error }, 'the sandbox-removal schedule could not be created'),
  );
  if (versioning) {
    const temporalApi = {
      workflowService: connection.workflowService,
      namespace: config.TEMPORAL_NAMESPACE,
    };
    // In the background: the server takes a version once its pollers have arrived, which is
    // after the caller starts the worker.
    const { version, mode } = versioning;
    promoteWhereDue(temporalApi, version, mode, parts.logger).catch((error: unknown) =>
      parts.logger.error(
        { err: error, ...version },
        'this worker version could not be made current: use temporal worker deployment set-current-version',
      ),
    );
  }
  const watchRuns = () => new RunWatcher({ db: parts.db, client, logger: parts.logger }).start();
  return {
    worker,
    connection,
    watchRuns,
    runInBackground() {
      const running = worker.run();
      const stopWatching = watchRuns();
      return async () => {
        await stopWatching();
        worker.shutdown();
        await running;
        await connection.close();
      };
    },
  };
}
