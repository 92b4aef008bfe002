import type { DeliveryStatus } from '../domain/delivery-status';

/** What the delivery workflow tells the notification side after each accepted change. */
export interface DeliveryEventNotice {
  /** Unique per accepted change (e.g. `<deliveryId>:<update id>`); dedupes every side effect. */
  eventKey: string;
  type: 'created' | 'assigned' | 'status_changed' | 'cancelled';
  deliveryId: string;
  partnerId: string;
  /** The admin assigned after the change (null if none). */
  assignedTo: string | null;
  /** On reassignment, the admin who lost the delivery. */
  previousAssignee: string | null;
  fromStatus: DeliveryStatus | null;
  toStatus: DeliveryStatus;
  actorId: string;
  reason: string | null;
  /** ISO time of the change, from the workflow clock. */
  at: string;
}

/**
 * Fans one accepted change out to in-app, email and webhook notifications through activities with
 * their own retry policies. Called by the delivery workflow without blocking its state machine;
 * the workflow awaits all pending notifications before it completes.
 * (Implemented by the notifications work; until then it does nothing.)
 */
export async function notifyDeliveryEvent(_notice: DeliveryEventNotice): Promise<void> {}
