/**
 * A timeline event as the sentence a dispatcher would write: "Assigned to Ann Admin by Sam
 * Super", "Reassigned to you by Sam Super", "Marked in transit by Ann Admin", not "Assigned
 * (Assigned → Assigned)". Pure, so the unit tier checks every event type.
 */
import type { DeliveryStatus } from '../domain/delivery-status';
import type { DeliveryEventType } from '../domain/delivery-events';
import type { TimelineEvent } from '../schemas/deliveries';
import { STATUS_LABELS } from './status-labels';

type Sentence = (event: TimelineEvent, names: Names) => string;

interface Names {
  actor: string | null;
  assignee: string | null;
}

const STATUS_CHANGES: Record<DeliveryStatus, string> = {
  CREATED: 'Moved back to created',
  ASSIGNED: 'Moved back to assigned',
  IN_TRANSIT: 'Marked in transit',
  COMPLETED: 'Delivered',
  FAILED: 'Marked failed',
  CANCELLED: 'Cancelled',
};

const by = (names: Names) => (names.actor ? ` by ${names.actor}` : '');

const SENTENCES: Record<DeliveryEventType, Sentence> = {
  created: (_, names) => `Created${by(names)}`,
  assigned: (event, names) => {
    const verb = event.from_status === 'ASSIGNED' ? 'Reassigned' : 'Assigned';
    return `${verb}${names.assignee ? ` to ${names.assignee}` : ''}${by(names)}`;
  },
  status_changed: (event, names) => `${STATUS_CHANGES[event.to_status]}${by(names)}`,
  cancelled: (_, names) => `Cancelled${by(names)}`,
  cancel_refused: () => 'Cancellation refused: the delivery was already on its way',
  resumed: () => 'Resumed after an operator stopped its workflow',
  reconciled: (event, names) =>
    `Corrected to ${STATUS_LABELS[event.to_status]}${names.assignee ? ` (${names.assignee})` : ''} after an operator reset`,
  assignment_overdue: () => 'Not assigned in time',
  delivery_overdue: () => 'Past its delivery date',
  delivery_late: () => 'Running late: the drop-off window ended',
  // Auto-dispatch: `reason` names the admin an offer went to; a decline's actor is that admin.
  offered: () => 'Offered to an admin',
  offer_declined: (_, names) => `Offer declined${by(names)}`,
  offer_expired: () => 'Offer expired unanswered',
  offer_withdrawn: () => 'Offer withdrawn',
  returned_to_queue: () => 'Back in the queue: no admin accepted it',
};

/** `viewerId` is who reads it: their own name reads "you". */
export function timelineSentence(event: TimelineEvent, viewerId: string): string {
  const you = (id: string | null, name: string | null) =>
    id === null ? name : id === viewerId ? 'you' : name;
  const actor =
    you(event.actor_id, event.actor_name) ??
    (event.actor_key_name ? `API key "${event.actor_key_name}"` : null);
  const assignee = you(event.assigned_to, event.assignee_name);
  return SENTENCES[event.type](event, { actor, assignee });
}
