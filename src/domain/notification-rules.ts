/**
 * Who hears what about a delivery change, and in which words. Pure: the notifications activity
 * applies it, the unit tests pin it down table by table.
 */
import type { DeadlineEventType, DeliveryChangeType } from './delivery-events';
import type { DeliveryStatus } from './delivery-status';

/** The part of a delivery change the rules read (the workflow's notice satisfies it). */
export interface DeliveryChange {
  type: DeliveryChangeType;
  partnerId: string;
  assignedTo: string | null;
  previousAssignee: string | null;
  toStatus: DeliveryStatus;
  reason: string | null;
}

export type RecipientRole = 'assignee' | 'previous_assignee' | 'partner';

export interface Recipient {
  userId: string;
  as: RecipientRole;
}

export const WEBHOOK_EVENT_TYPES = [
  'delivery.created',
  'delivery.assigned',
  'delivery.status_changed',
  'delivery.cancelled',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface NotificationPlan {
  /** In-app (and email) recipients, each once. */
  recipients: Recipient[];
  /** The event the partner's webhook receives, if it has an endpoint. */
  webhook: WebhookEventType;
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

function webhookType(change: DeliveryChange): WebhookEventType {
  if (isCancellation(change)) return 'delivery.cancelled';
  return `delivery.${change.type}` as WebhookEventType;
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

const STATUS_WORDS: Partial<Record<DeliveryStatus, [title: string, outcome: string]>> = {
  IN_TRANSIT: ['Delivery in transit', 'is on its way'],
  COMPLETED: ['Delivery completed', 'has been delivered'],
  FAILED: ['Delivery failed', 'could not be delivered'],
};

function withReason(sentence: string, reason: string | null): string {
  return reason ? `${sentence} Reason: ${reason}` : sentence;
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
  const [title, outcome] = STATUS_WORDS[change.toStatus] ?? [
    'Delivery updated',
    `is now ${change.toStatus}`,
  ];
  return {
    type: 'delivery.status_changed',
    title,
    message: withReason(`${label} ${outcome}.`, change.reason),
  };
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
