import { randomUUID } from 'node:crypto';
import type { EmailSettings } from '../../src/worker/notifications/email-settings';
import { connectWorker } from '../../src/temporal/connect';
import { createDeliveryWorker } from '../../src/worker/create-worker';
import { stack } from './stack';
import { workflowBundle } from './workflow-bundle';

export interface TestWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

/**
 * A worker of our own on its own task queue (fresh unless given), with the real activities wired
 * to `email`, for tests that need another configuration than the shared worker or to restart it.
 */
export async function startTestWorker(opts: {
  email: EmailSettings;
  taskQueue?: string;
}): Promise<TestWorker> {
  const { temporalAddress, activityDeps } = stack();
  const taskQueue = opts.taskQueue ?? `test-worker-${randomUUID()}`;
  const connection = await connectWorker({ address: temporalAddress, namespace: 'default' });
  const worker = await createDeliveryWorker({
    connection,
    namespace: 'default',
    taskQueue,
    deps: { ...activityDeps, email: opts.email },
    workflows: { kind: 'bundle', codePath: await workflowBundle() },
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
