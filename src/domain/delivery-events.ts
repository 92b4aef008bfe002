import type { DeliveryStatus } from './delivery-status';
import type { FailureReason } from './failure-reasons';

/** One stored image of a proof of delivery, as the API accepted it. */
export interface ProofAttachment {
  id: string;
  content_type: string;
  bytes: number;
  sha256: string;
  created_at: string;
}

/** Who received the parcel, with the images that show it. */
export interface DeliveryProof {
  received_by: string;
  note: string | null;
  attachments: ProofAttachment[];
}

export interface DeliveryEventDetails {
  failure_reason?: FailureReason;
  proof?: DeliveryProof;
}

/**
 * What a delivery's timeline can record. Changes move the state machine; cancel_refused, resumed
 * and reconciled record what an operator did to the workflow from the Temporal UI or CLI, so the
 * API can explain it; the overdue events record a deadline the delivery missed; the offer events
 * and returned_to_queue record auto-dispatch (`src/workflows/dispatch.ts`).
 */
export const DELIVERY_EVENT_TYPES = [
  'created',
  'assigned',
  'status_changed',
  'cancelled',
  'cancel_refused',
  'resumed',
  'reconciled',
  'assignment_overdue',
  'delivery_overdue',
  'delivery_late',
  'offered',
  'offer_declined',
  'offer_expired',
  'offer_withdrawn',
  'returned_to_queue',
] as const;
export type DeliveryEventType = (typeof DELIVERY_EVENT_TYPES)[number];

/** What every timeline event says, whoever writes it: the workflow's record or the API's row. */
export interface DeliveryEventFields {
  eventKey: string;
  type: DeliveryEventType;
  fromStatus: DeliveryStatus | null;
  actorId: string | null;
  /** The partner's API key behind a creation (the same value the API writes). */
  actorApiKeyId?: string | null;
  reason: string | null;
  /** What a FAILED or COMPLETED change adds: the failure's code, the proof of delivery. */
  details?: DeliveryEventDetails | null;
  /** Workflow clock: deterministic, the same on every retry. */
  at: string;
}

/**
 * A missed deadline: still CREATED after the assignment SLA, or not done by its date's end
 * (`delivery_overdue`) or, for a delivery with a drop-off window, by the window's end
 * (`delivery_late`, instead).
 */
const DEADLINE_EVENT_TYPES = [
  'assignment_overdue',
  'delivery_overdue',
  'delivery_late',
] as const satisfies readonly DeliveryEventType[];
export type DeadlineEventType = (typeof DEADLINE_EVENT_TYPES)[number];

/** What auto-dispatch records: an offer made, closed, or the delivery handed back to a human. */
export const DISPATCH_EVENT_TYPES = [
  'offered',
  'offer_declined',
  'offer_expired',
  'offer_withdrawn',
  'returned_to_queue',
] as const satisfies readonly DeliveryEventType[];
export type DispatchEventType = (typeof DISPATCH_EVENT_TYPES)[number];

export const isDeadlineEvent = (type: DeliveryEventType): type is DeadlineEventType =>
  (DEADLINE_EVENT_TYPES as readonly DeliveryEventType[]).includes(type);

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
    case 'assignment_overdue':
    case 'delivery_overdue':
    case 'delivery_late':
    case 'offered':
    case 'offer_declined':
    case 'offer_expired':
    case 'offer_withdrawn':
    case 'returned_to_queue':
      return false;
    default: {
      const unknown: never = type;
      throw new Error(`Unknown delivery event type ${String(unknown)}`);
    }
  }
}
