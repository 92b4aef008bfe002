import { createHash } from 'node:crypto';
import {
  describeNotification,
  planNotifications,
  type NotificationContent,
} from '../domain/notification-rules';
import { UserModel } from '../db/models/user';
import { findDeliveryById } from '../db/repositories/deliveries';
import { insertNotifications } from '../db/repositories/notifications';
import { findWebhookEndpoint } from '../db/repositories/webhooks';
import type { DeliveryEventNotice } from '../workflows/notify';
import type { EmailMessage } from './email-message';
import { escapeHtml } from './html';
import type { WebhookEvent, WebhookJob } from './webhook-delivery';

/** What the fan-out still has to send once the in-app notifications are stored. */
export interface NotificationFanOut {
  emails: EmailMessage[];
  webhook: WebhookJob | null;
}

async function deliveryLabel(deliveryId: string): Promise<string> {
  const delivery = await findDeliveryById(deliveryId);
  return delivery ? `Delivery "${delivery.product_name}"` : `Delivery ${deliveryId}`;
}

function emailFor(
  key: string,
  to: string,
  content: NotificationContent,
  deliveryId: string,
): EmailMessage {
  return {
    key,
    to,
    subject: content.title,
    textBody: `${content.message}\n\nDelivery ID: ${deliveryId}\n`,
    htmlBody: `<p>${escapeHtml(content.message)}</p><p>Delivery ID: <code>${deliveryId}</code></p>`,
    tag: content.type,
  };
}

/** Partners dedupe on it: the same change always yields the same event id. */
export function webhookEventId(eventKey: string): string {
  return 'evt_' + createHash('sha256').update(eventKey).digest('hex').slice(0, 32);
}

function webhookEvent(notice: DeliveryEventNotice, type: WebhookEvent['type']): WebhookEvent {
  return {
    id: webhookEventId(notice.eventKey),
    type,
    created_at: notice.at,
    data: {
      delivery_id: notice.deliveryId,
      status: notice.toStatus,
      previous_status: notice.fromStatus,
      assigned_to: notice.assignedTo,
      reason: notice.reason,
      changed_at: notice.at,
    },
  };
}

/**
 * Stores one in-app notification per recipient of the change (a retry inserts nothing twice) and
 * returns the emails and the webhook the workflow should send next.
 */
export async function recordDeliveryNotifications(
  notice: DeliveryEventNotice,
): Promise<NotificationFanOut> {
  const plan = planNotifications(notice);
  const [label, users, endpoint] = await Promise.all([
    deliveryLabel(notice.deliveryId),
    UserModel.query().findByIds(plan.recipients.map((r) => r.userId)),
    findWebhookEndpoint(notice.partnerId),
  ]);
  // A recipient whose account is gone has nobody to read it; retrying would not change that.
  const planned = plan.recipients.flatMap((recipient) => {
    const user = users.find((u) => u.id === recipient.userId);
    if (!user) return [];
    const content = describeNotification(notice, recipient.as, label);
    return [{ user, eventKey: `${notice.eventKey}:${recipient.userId}`, content }];
  });
  await insertNotifications(
    planned.map(({ user, eventKey, content }) => ({
      user_id: user.id,
      event_key: eventKey,
      delivery_id: notice.deliveryId,
      ...content,
    })),
  );
  const emails = planned.map(({ user, eventKey, content }) =>
    emailFor(`${eventKey}:email`, user.email, content, notice.deliveryId),
  );
  const webhook = endpoint
    ? { partnerId: notice.partnerId, event: webhookEvent(notice, plan.webhook) }
    : null;
  return { emails, webhook };
}
