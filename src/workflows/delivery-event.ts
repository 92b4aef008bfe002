import type { DeliveryEventFields } from '../domain/delivery-events';
import type { Delivery } from '../schemas/deliveries';

/**
 * One timeline event as the workflow decided it, with the delivery as it stands afterwards. The
 * record activity writes the row, the event and the in-app notifications from it in one
 * transaction; `eventKey` (derived from the update ID or the run) makes every retry, replay or
 * reset re-application a no-op.
 */
export interface DeliveryEventRecord extends DeliveryEventFields {
  previousAssignee: string | null;
  delivery: Delivery;
  /** What the row needs beyond the view, should this write be the one that inserts it. */
  keys: { idempotencyKey: string; payloadHash: string };
}

/** The creation event's key: the API and the workflow's first task write the same event. */
export const createdEventKey = (deliveryId: string) => `${deliveryId}:created`;

/**
 * One message for one notification channel, sent by that channel's activity with a durable retry
 * policy. The workflow runs whatever the record activity planned, so it knows no channel.
 */
export interface OutboundJob {
  /** The registered activity that sends it, e.g. `sendEmails`. */
  activity: string;
  /** What the Temporal UI shows for the activity. */
  summary: string;
  payload: unknown;
}

/** What is left to send once the record is written: nothing is scheduled for an empty list. */
export interface DeliveryFanOut {
  /** False when the event had been recorded before (a retry, a replay, a reset). */
  recorded: boolean;
  outbound: OutboundJob[];
}

export interface DeliveryRecordActivities {
  recordDeliveryEvent(record: DeliveryEventRecord): Promise<DeliveryFanOut>;
}
