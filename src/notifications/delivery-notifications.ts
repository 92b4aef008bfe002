import type { Knex } from 'knex';
import {
  describeDeadline,
  describeForRecipient,
  describeNotification,
  planDeadlineNotifications,
  planNotifications,
  type DeliveryChange,
} from '../domain/notification-rules';
import { findActiveSuperAdmins, findUsersByIds, type UserAddress } from '../db/repositories/users';
import { insertNotifications } from '../db/repositories/notifications';
import type { DeadlineEventType, DeliveryChangeType } from '../domain/delivery-events';
import type { DeliveryEventRecord, OutboundJob } from '../workflows/delivery-event';
import { planOutbound, type DeliveryLinks, type Notice, type RecipientNotice } from './channels';
import { windowPhrase } from './window-phrase';

/** Stores one in-app notification per notice, in the caller's transaction (once per key). */
async function storeInApp(trx: Knex, deliveryId: string, notices: readonly Notice[]) {
  await insertNotifications(
    trx,
    notices.map(({ user, eventKey, content }) => ({
      user_id: user.id,
      event_key: eventKey,
      delivery_id: deliveryId,
      ...content,
    })),
  );
}

/** How a notification names the delivery it is about. */
const deliveryLabel = (record: DeliveryEventRecord) => `Delivery "${record.delivery.product_name}"`;

/** The part of a record the notification rules read. */
function changeOf(record: DeliveryEventRecord & { type: DeliveryChangeType }): DeliveryChange {
  const { delivery } = record;
  return {
    type: record.type,
    partnerId: delivery.partner_id,
    assignedTo: delivery.assigned_to,
    previousAssignee: record.previousAssignee,
    fromStatus: record.fromStatus,
    toStatus: delivery.status,
    reason: record.reason,
    failureReason: delivery.failure_reason,
    proof: delivery.proof,
  };
}

/** What the delivery's recipient (an address, not a user) is told of the change, if anything. */
function recipientNoticeOf(
  record: DeliveryEventRecord,
  change: DeliveryChange,
  links: DeliveryLinks,
): RecipientNotice | null {
  const { recipient_email: email, dropoff_window: window, product_name } = record.delivery;
  // A sandbox delivery's recipient address is test data, perhaps a real person's: never written to.
  if (!email || record.delivery.sandbox) return null;
  const phrase = window ? windowPhrase(window, links.settings.timeZone) : null;
  const content = describeForRecipient(change, product_name, phrase);
  return content && { email, eventKey: `${record.eventKey}:recipient`, content };
}

/** What the record read with the row, so that planning reads nothing it already has. */
export interface FanOutOptions {
  /** False when the change was recorded before, with its notifications: only read. */
  store: boolean;
  /** Whether the partner has a webhook endpoint. */
  webhookEndpoint: boolean;
  /** Addresses of users the change may tell; any other recipient is looked up. */
  people?: readonly UserAddress[];
}

/**
 * Stores one in-app notification per recipient of the change inside the caller's transaction
 * (a retry inserts nothing twice) and returns what every other channel sends next, the
 * delivery's recipient included, and the partner's endpoint when `webhookEndpoint` (read with the
 * row) says it has one. With `store: false` (the change was recorded before, with its
 * notifications) it only reads.
 */
export async function planDeliveryFanOut(
  trx: Knex,
  record: DeliveryEventRecord & { type: DeliveryChangeType },
  links: DeliveryLinks,
  options: FanOutOptions,
): Promise<OutboundJob[]> {
  const { store, webhookEndpoint, people = [] } = options;
  const change = changeOf(record);
  const plan = planNotifications(change);
  const label = deliveryLabel(record);
  const ids = plan.recipients.map((r) => r.userId);
  const known = ids.every((id) => people.some((person) => person.id === id));
  const users: readonly UserAddress[] =
    ids.length === 0 ? [] : known ? people : await findUsersByIds(trx, ids);
  // A recipient whose account is gone has nobody to read it; retrying would not change that.
  const notices = plan.recipients.flatMap((recipient) => {
    const user = users.find((u) => u.id === recipient.userId);
    if (!user) return [];
    // A sandbox delivery is its partner's alone: the courier and admins are simulated or absent.
    if (record.delivery.sandbox && user.id !== record.delivery.partner_id) return [];
    const content = describeNotification(change, recipient.as, label);
    return [{ user, eventKey: `${record.eventKey}:${recipient.userId}`, content }];
  });
  if (store) await storeInApp(trx, record.delivery.id, notices);
  const recipient = recipientNoticeOf(record, change, links);
  const partnerEvent = webhookEndpoint ? plan.webhook : null;
  return planOutbound({ trx, record, notices, recipient, partnerEvent, links });
}

/**
 * A missed deadline: every active super admin hears that a delivery waits for assignment; the
 * partner and the assignee hear that it is past its date (`delivery_overdue`) or its drop-off
 * window (`delivery_late`). Not published to partners' webhooks (their event types are a
 * published contract), nor to the recipient.
 */
export async function planDeadlineFanOut(
  trx: Knex,
  record: DeliveryEventRecord & { type: DeadlineEventType },
  links: DeliveryLinks,
): Promise<OutboundJob[]> {
  const plan = planDeadlineNotifications(record.type, {
    partnerId: record.delivery.partner_id,
    assignedTo: record.delivery.assigned_to,
  });
  const users = plan.superAdmins
    ? await findActiveSuperAdmins(trx)
    : await findUsersByIds(
        trx,
        plan.recipients.map((r) => r.userId),
      );
  const content = describeDeadline(record.type, deliveryLabel(record), record.reason);
  const notices = users.map((user) => ({
    user,
    eventKey: `${record.eventKey}:${user.id}`,
    content,
  }));
  await storeInApp(trx, record.delivery.id, notices);
  return planOutbound({ trx, record, notices, recipient: null, partnerEvent: null, links });
}
