import { ActivityFailure, log, proxyActivities } from '@temporalio/workflow';
import type { DeliveryStatus } from '../domain/delivery-status';
import type { NotificationActivities } from '../activities/notifications';
import type { WebhookActivities } from '../activities/webhooks';
import type { EmailActivities } from '../notifications/email-message';
import { OUTBOUND_ACTIVITY_OPTIONS } from './outbound-options';

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

// Storing in-app notifications only needs the database: retry it until it works.
const inApp = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Permanent failures are thrown non-retryable by the activities, which record them.
const email = proxyActivities<EmailActivities>(OUTBOUND_ACTIVITY_OPTIONS);
const webhooks = proxyActivities<WebhookActivities>(OUTBOUND_ACTIVITY_OPTIONS);

/** A recipient that cannot be reached must not fail the delivery: the failure is recorded. */
async function bestEffort(what: string, send: Promise<void>): Promise<void> {
  try {
    await send;
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn(`${what} gave up`, { cause: error.cause?.message ?? error.message });
  }
}

/**
 * Fans one accepted change out to in-app, email and webhook notifications through activities with
 * their own retry policies. Called by the delivery workflow without blocking its state machine;
 * the workflow awaits all pending notifications before it completes.
 */
export async function notifyDeliveryEvent(notice: DeliveryEventNotice): Promise<void> {
  const { emails, webhook } = await inApp.recordInAppNotifications(notice);
  await Promise.all([
    ...emails.map((message) => bestEffort(`email ${message.key}`, email.sendEmail(message))),
    ...(webhook
      ? [bestEffort(`webhook ${webhook.event.id}`, webhooks.deliverWebhook(webhook))]
      : []),
  ]);
}
