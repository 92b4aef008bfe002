import type { DeliveryEventFields } from '../domain/delivery-events';
import type { Delivery } from '../schemas/deliveries';
import type { OutboundJob } from '../activities/outbound';

export type { OutboundJob };

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

/** What is left to send once the record is written: nothing is scheduled for an empty list. */
export interface DeliveryFanOut {
  /** False when the event had been recorded before (a retry, a replay, a reset). */
  recorded: boolean;
  outbound: OutboundJob[];
}
