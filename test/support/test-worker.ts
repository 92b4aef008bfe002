import { randomUUID } from 'node:crypto';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import type { EmailSettings } from '../../src/notifications/email-settings';
import {
  connectWorker,
  createDeliveryWorker,
  type WorkflowSource,
} from '../../src/worker/create-worker';
import type { Tracing } from '../../src/telemetry/tracing';
import { stack } from './stack';
import { workflowBundle } from './workflow-bundle';

export interface TestWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * A worker of our own on its own task queue (fresh unless given) running the real delivery code
 * (the plain bundle unless given), its activities wired like the stack's except for `email` when
 * given: for tests that need another configuration than the shared worker, or to restart it.
 */
export async function startTestWorker(
  opts: {
    email?: EmailSettings;
    taskQueue?: string;
    workflows?: WorkflowSource;
    tracing?: Tracing['worker'];
    deployment?: WorkerDeploymentOptions;
  } = {},
): Promise<TestWorker> {
  const { temporalAddress, activityDeps } = stack();
  const taskQueue = opts.taskQueue ?? `test-worker-${randomUUID()}`;
  const connection = await connectWorker(temporalAddress);
  const worker = await createDeliveryWorker({
    connection,
    namespace: 'default',
    taskQueue,
    deps: { ...activityDeps, email: opts.email ?? activityDeps.email },
    workflows: opts.workflows ?? { kind: 'bundle', codePath: await workflowBundle() },
    ...(opts.tracing ? { tracing: opts.tracing } : {}),
    ...(opts.deployment ? { deployment: opts.deployment } : {}),
  });
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
