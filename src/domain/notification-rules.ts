/**
 * Who hears what about a delivery change, and in which words. Pure: the notifications activity
 * applies it, the unit tests pin it down table by table.
 */
import type { DeadlineEventType, DeliveryChangeType, DeliveryProof } from './delivery-events';
import type { DeliveryStatus } from './delivery-status';
import { failureReasonWording, type FailureReason } from './failure-reasons';

/** The part of a delivery change the rules read (the workflow's notice satisfies it). */
export interface DeliveryChange {
  type: DeliveryChangeType;
  partnerId: string;
  assignedTo: string | null;
  previousAssignee: string | null;
  fromStatus: DeliveryStatus | null;
  toStatus: DeliveryStatus;
  reason: string | null;
  /** A FAILED change's code. */
  failureReason: FailureReason | null;
  /** A COMPLETED change's proof: who took the parcel, and the courier's note. */
  proof: Pick<DeliveryProof, 'received_by' | 'note'> | null;
}

export type RecipientRole = 'assignee' | 'previous_assignee' | 'partner';

export interface Recipient {
  userId: string;
  as: RecipientRole;
}

/** The events a delivery's changes send its partner. */
export const DELIVERY_WEBHOOK_EVENT_TYPES = [
  'delivery.created',
  'delivery.assigned',
  'delivery.status_changed',
  'delivery.cancelled',
] as const;
export type DeliveryWebhookEventType = (typeof DELIVERY_WEBHOOK_EVENT_TYPES)[number];

/** The whole catalogue: the delivery events, and the end of a bulk create. */
export const WEBHOOK_EVENT_TYPES = [...DELIVERY_WEBHOOK_EVENT_TYPES, 'batch.completed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface NotificationPlan {
  /** In-app (and email) recipients, each once. */
  recipients: Recipient[];
  /** The event the partner's webhook receives, if it has an endpoint. */
  webhook: DeliveryWebhookEventType;
}

/** Statuses the partner hears about through a `status_changed` change. */
const PARTNER_STATUSES: readonly DeliveryStatus[] = ['IN_TRANSIT', 'COMPLETED', 'FAILED'];

function isCancellation(change: DeliveryChange): boolean {
  return change.type === 'cancelled' || change.toStatus === 'CANCELLED';
}

function candidates(change: DeliveryChange): [string | null, RecipientRole][] {
  if (isCancellation(change)) {
    return [
      [change.partnerId, 'partner'],
      [change.assignedTo, 'assignee'],
    ];
  }
  switch (change.type) {
    case 'assigned':
      return [
        [change.assignedTo, 'assignee'],
        [change.previousAssignee, 'previous_assignee'],
        [change.partnerId, 'partner'],
      ];
    case 'status_changed':
      return PARTNER_STATUSES.includes(change.toStatus) ? [[change.partnerId, 'partner']] : [];
    default:
      // A new delivery is news to its partner's systems only (the webhook), not to a person.
      return [];
  }
}

function webhookType(change: DeliveryChange): DeliveryWebhookEventType {
  if (isCancellation(change)) return 'delivery.cancelled';
  return `delivery.${change.type}` as DeliveryWebhookEventType;
}

export function planNotifications(change: DeliveryChange): NotificationPlan {
  const recipients: Recipient[] = [];
  for (const [userId, as] of candidates(change)) {
    if (userId && !recipients.some((r) => r.userId === userId)) recipients.push({ userId, as });
  }
  return { recipients, webhook: webhookType(change) };
}

export interface NotificationContent {
  type: string;
  title: string;
  message: string;
}

/** Ends a sentence unless the courier's own words already did. */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function withReason(text: string, reason: string | null): string {
  return reason ? `${text} Reason: ${reason}` : text;
}

/**
 * Why it failed, for the people who run the delivery: the code's label and the courier's words
 * ("Recipient unavailable — rang twice"). `other` has no label worth reading: its words say it.
 */
function failureWords(code: FailureReason | null, reason: string | null): string | null {
  if (code === null || code === 'other') return reason;
  const { label } = failureReasonWording(code);
  return reason ? `${label} — ${reason}` : label;
}

/** A status change as the partner reads it: how it ended, and why or who took it. */
function statusWords(change: DeliveryChange, label: string): [title: string, message: string] {
  switch (change.toStatus) {
    case 'IN_TRANSIT':
      return ['Delivery in transit', withReason(`${label} is on its way.`, change.reason)];
    case 'COMPLETED': {
      const proof = change.proof;
      const received = proof ? `, received by ${proof.received_by}` : '';
      const note = proof?.note ? ` Note: ${sentence(proof.note)}` : '';
      return [
        'Delivery completed',
        withReason(`${label} has been delivered${received}.${note}`, change.reason),
      ];
    }
    case 'FAILED': {
      const why = failureWords(change.failureReason, change.reason);
      return [
        'Delivery failed',
        sentence(`${label} could not be delivered${why ? `: ${why}` : ''}`),
      ];
    }
    default:
      return ['Delivery updated', withReason(`${label} is now ${change.toStatus}.`, change.reason)];
  }
}

/** The words one recipient reads; `label` names the delivery (e.g. its product). */
export function describeNotification(
  change: DeliveryChange,
  as: RecipientRole,
  label: string,
): NotificationContent {
  if (isCancellation(change)) {
    return {
      type: 'delivery.cancelled',
      title: 'Delivery cancelled',
      message: withReason(`${label} has been cancelled.`, change.reason),
    };
  }
  if (change.type === 'assigned') {
    const reassigned = change.previousAssignee !== null;
    if (as === 'previous_assignee') {
      return {
        type: 'delivery.unassigned',
        title: 'Delivery reassigned',
        message: `${label} has been reassigned to another admin.`,
      };
    }
    if (as === 'assignee') {
      return {
        type: 'delivery.assigned',
        title: 'Delivery assigned to you',
        message: `${label} is now assigned to you.`,
      };
    }
    return {
      type: 'delivery.assigned',
      title: reassigned ? 'Delivery reassigned' : 'Delivery assigned',
      message: `${label} has been ${reassigned ? 'reassigned' : 'assigned'} to a courier.`,
    };
  }
  const [title, message] = statusWords(change, label);
  return { type: 'delivery.status_changed', title, message };
}

/**
 * What the person the parcel is for reads (by email, with the tracking link: they have no
 * account), or null when they are not told. They hear that it is scheduled (the first assignment
 * only: a reassignment changes nothing they can act on), that it left, and how it ended, in
 * public words: no ids, no courier's note, no reason the partner or an admin typed. `window` is
 * the drop-off window as a phrase ("on Tue 8 Dec 2026 between 14:00 and 16:00 (UTC)").
 */
export function describeForRecipient(
  change: DeliveryChange,
  product: string,
  window: string | null,
): NotificationContent | null {
  const yours = `Your delivery of ${product}`;
  const arrives = window ? ` It should arrive ${window}.` : '';
  const cancelled = {
    type: 'recipient.cancelled',
    title: `${yours} has been cancelled`,
    message: `${yours} has been cancelled.`,
  };
  if (isCancellation(change)) return cancelled;
  switch (change.type) {
    case 'created':
      return null;
    case 'assigned':
      if (change.fromStatus !== 'CREATED') return null;
      return {
        type: 'recipient.assigned',
        title: `${yours} is scheduled`,
        message: `A courier has been assigned to your delivery of ${product}.${arrives}`,
      };
    case 'cancelled':
      return cancelled;
    case 'status_changed':
      return recipientStatusWords(change, yours, arrives);
    default: {
      const unknown: never = change.type;
      throw new Error(`Unknown delivery change ${String(unknown)}`);
    }
  }
}

function recipientStatusWords(
  change: DeliveryChange,
  yours: string,
  arrives: string,
): NotificationContent | null {
  switch (change.toStatus) {
    case 'IN_TRANSIT':
      return {
        type: 'recipient.in_transit',
        title: `${yours} is on its way`,
        message: `${yours} is on its way.${arrives}`,
      };
    case 'COMPLETED': {
      const received = change.proof ? ` It was received by ${change.proof.received_by}.` : '';
      return {
        type: 'recipient.completed',
        title: `${yours} has been delivered`,
        message: `${yours} has been delivered.${received}`,
      };
    }
    case 'FAILED': {
      const why = change.failureReason
        ? ` ${failureReasonWording(change.failureReason).public}`
        : '';
      return {
        type: 'recipient.failed',
        title: `${yours} could not be completed`,
        message: `${yours} could not be completed.${why}`,
      };
    }
    default:
      return null;
  }
}

/** Who hears about a missed deadline: the super admins as a group, or named users. */
export interface DeadlinePlan {
  /** Every active super admin (read when the event is recorded). */
  superAdmins: boolean;
  recipients: Recipient[];
}

export function planDeadlineNotifications(
  type: DeadlineEventType,
  parties: { partnerId: string; assignedTo: string | null },
): DeadlinePlan {
  switch (type) {
    case 'assignment_overdue':
      return { superAdmins: true, recipients: [] };
    case 'delivery_overdue':
    case 'delivery_late': {
      const recipients: Recipient[] = [{ userId: parties.partnerId, as: 'partner' }];
      if (parties.assignedTo) recipients.push({ userId: parties.assignedTo, as: 'assignee' });
      return { superAdmins: false, recipients };
    }
    default: {
      const unknown: never = type;
      throw new Error(`Unknown deadline event ${String(unknown)}`);
    }
  }
}

function deadlineWording(type: DeadlineEventType, label: string): [string, string] {
  switch (type) {
    case 'assignment_overdue':
      return ['Delivery not assigned in time', `${label} is still waiting for a courier.`];
    case 'delivery_overdue':
      return [
        'Delivery past its date',
        `${label} was not finished by the end of its delivery date.`,
      ];
    case 'delivery_late':
      return ['Delivery running late', `${label} was not delivered by the end of its window.`];
    default: {
      const unknown: never = type;
      throw new Error(`Unknown deadline ${String(unknown)}`);
    }
  }
}

export function describeDeadline(
  type: DeadlineEventType,
  label: string,
  reason: string | null,
): NotificationContent {
  const [title, fallback] = deadlineWording(type, label);
  return { type: `delivery.${type}`, title, message: reason ? `${label}: ${reason}` : fallback };
}
