/**
 * What a delivery's timeline can record. Changes move the state machine; the last three record
 * what an operator did to the workflow from the Temporal UI or CLI, so the API can explain it.
 */
export const DELIVERY_EVENT_TYPES = [
  'created',
  'assigned',
  'status_changed',
  'cancelled',
  'cancel_refused',
  'resumed',
  'reconciled',
] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

/** Events that change the delivery's status or assignee; only these notify anyone. */
export type DeliveryChangeType = Extract<
  DeliveryEventType,
  'created' | 'assigned' | 'status_changed' | 'cancelled'
>;

export function isChangeEvent(type: DeliveryEventType): type is DeliveryChangeType {
  switch (type) {
    case 'created':
    case 'assigned':
    case 'status_changed':
    case 'cancelled':
      return true;
    case 'cancel_refused':
    case 'resumed':
    case 'reconciled':
      return false;
    default: {
      const unknown: never = type;
      throw new Error(`Unknown delivery event type ${String(unknown)}`);
    }
  }
}
