import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import {
  describeDeadline,
  describeNotification,
  planDeadlineNotifications,
  planNotifications,
  type DeliveryChange,
  type NotificationContent,
} from '../domain/notification-rules';
import { UserModel } from '../db/models/user';
import { insertNotifications } from '../db/repositories/notifications';
import { findWebhookEndpoint } from '../db/repositories/webhooks';
import type { DeadlineEventType, DeliveryChangeType } from '../domain/delivery-events';
import type { DeliveryEventRecord, DeliveryFanOut } from '../workflows/delivery-event';
import type { EmailMessage } from './email-message';
import { escapeHtml } from './html';
import type { WebhookEvent } from './webhook-delivery';

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

function webhookEvent(record: DeliveryEventRecord, type: WebhookEvent['type']): WebhookEvent {
  return {
    id: webhookEventId(record.eventKey),
    type,
    created_at: record.at,
    data: {
      delivery_id: record.delivery.id,
      status: record.delivery.status,
      previous_status: record.fromStatus,
      assigned_to: record.delivery.assigned_to,
      reason: record.reason,
      changed_at: record.at,
    },
  };
}

interface PlannedNotice {
  user: { id: string; email: string };
  eventKey: string;
  content: NotificationContent;
}

/** Stores the in-app notifications (unless `store` is false) and returns their emails. */
async function deliverInApp(
  trx: Knex,
  deliveryId: string,
  planned: PlannedNotice[],
  store: boolean,
): Promise<EmailMessage[]> {
  if (store) {
    await insertNotifications(
      planned.map(({ user, eventKey, content }) => ({
        user_id: user.id,
        event_key: eventKey,
        delivery_id: deliveryId,
        ...content,
      })),
      trx as Knex.Transaction,
    );
  }
  return planned.map(({ user, eventKey, content }) =>
    emailFor(`${eventKey}:email`, user.email, content, deliveryId),
  );
}

/**
 * A missed deadline: every active super admin hears that a delivery waits for assignment; the
 * partner and the assignee hear that it is past its date. In-app and email, no webhook (its
 * event types are a published contract).
 */
export async function planDeadlineFanOut(
  trx: Knex,
  record: DeliveryEventRecord & { type: DeadlineEventType },
): Promise<Omit<DeliveryFanOut, 'recorded'>> {
  const plan = planDeadlineNotifications(record.type, {
    partnerId: record.delivery.partner_id,
    assignedTo: record.delivery.assigned_to,
  });
  const users = plan.superAdmins
    ? await UserModel.query(trx).where({ role: 'super_admin', is_active: true })
    : await UserModel.query(trx).findByIds(plan.recipients.map((r) => r.userId));
  const content = describeDeadline(
    record.type,
    `Delivery "${record.delivery.product_name}"`,
    record.reason,
  );
  const planned = users.map((user) => ({
    user,
    eventKey: `${record.eventKey}:${user.id}`,
    content,
  }));
  return { emails: await deliverInApp(trx, record.delivery.id, planned, true), webhook: null };
}

/** The part of a record the notification rules read. */
export function changeOf(
  record: DeliveryEventRecord & { type: DeliveryChangeType },
): DeliveryChange {
  return {
    type: record.type,
    partnerId: record.delivery.partner_id,
    assignedTo: record.delivery.assigned_to,
    previousAssignee: record.previousAssignee,
    toStatus: record.delivery.status,
    reason: record.reason,
  };
}

/**
 * Stores one in-app notification per recipient of the change inside the caller's transaction
 * (a retry inserts nothing twice) and returns the emails and the webhook to send next. With
 * `store: false` (the change was recorded before, with its notifications) it only reads.
 */
export async function planDeliveryFanOut(
  trx: Knex,
  record: DeliveryEventRecord & { type: DeliveryChangeType },
  { store }: { store: boolean } = { store: true },
): Promise<Omit<DeliveryFanOut, 'recorded'>> {
  const change = changeOf(record);
  const plan = planNotifications(change);
  const label = `Delivery "${record.delivery.product_name}"`;
  const [users, endpoint] = await Promise.all([
    plan.recipients.length > 0
      ? UserModel.query(trx).findByIds(plan.recipients.map((r) => r.userId))
      : Promise.resolve([]),
    findWebhookEndpoint(record.delivery.partner_id, trx),
  ]);
  // A recipient whose account is gone has nobody to read it; retrying would not change that.
  const planned = plan.recipients.flatMap((recipient) => {
    const user = users.find((u) => u.id === recipient.userId);
    if (!user) return [];
    const content = describeNotification(change, recipient.as, label);
    return [{ user, eventKey: `${record.eventKey}:${recipient.userId}`, content }];
  });
  const emails = await deliverInApp(trx, record.delivery.id, planned, store);
  const webhook = endpoint
    ? { partnerId: record.delivery.partner_id, event: webhookEvent(record, plan.webhook) }
    : null;
  return { emails, webhook };
}
