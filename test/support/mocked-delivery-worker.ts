import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { DispatchActivities } from '../../src/activities/dispatch';
import { createNotificationActivities } from '../../src/activities/notifications';
import type { OutboundActivities } from '../../src/activities/outbound';
import type { ReadModelActivities } from '../../src/activities/read-model';
import type { DeliveryEventRecord, DeliveryFanOut } from '../../src/workflows/delivery-event';
import { workflowBundle } from './workflow-bundle';

export type DeliveryActivities = ReadModelActivities & OutboundActivities;

export const NOTHING_TO_SEND: DeliveryFanOut = { recorded: true, outbound: [] };

/**
 * Stands in for the read model: keeps every event the workflow records, in order, and answers
 * with the fan-out `fanOut` decides (nothing to send by default).
 */
export function recordingStore(
  fanOut: (record: DeliveryEventRecord) => DeliveryFanOut = () => NOTHING_TO_SEND,
) {
  const records: DeliveryEventRecord[] = [];
  return {
    records,
    recordDeliveryEvent: async (record: DeliveryEventRecord): Promise<DeliveryFanOut> => {
      records.push(record);
      return fanOut(record);
    },
  };
}

const unexpected = (name: string) => async (): Promise<never> => {
  throw new Error(`${name} was not expected in this test`);
};

/**
 * Runs `body` while a worker with the real workflow code and the given activity stand-ins polls
 * a fresh task queue of the time-skipping server; outbound activities a test does not give fail.
 * A change's batch (`sendNotifications`) is the real one, over the stand-ins.
 */
export async function withMockedWorker<T>(
  env: TestWorkflowEnvironment,
  activities: Pick<DeliveryActivities, 'recordDeliveryEvent'> &
    Partial<DeliveryActivities & DispatchActivities>,
  body: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `unit-${randomUUID()}`;
  const outbound: OutboundActivities = {
    sendEmails: unexpected('sendEmails'),
    deliverWebhook: unexpected('deliverWebhook'),
    ...activities,
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: await workflowBundle() },
    activities: { ...activities, ...outbound, ...createNotificationActivities(outbound) },
  });
  return worker.runUntil(body(taskQueue));
}
