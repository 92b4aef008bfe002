import { randomUUID } from 'node:crypto';
import type { DeliveryChangeType, DeliveryProof } from '../../src/domain/delivery-events';
import type { DeliveryStatus } from '../../src/domain/delivery-status';
import type { FailureReason } from '../../src/domain/failure-reasons';
import { findWebhookEndpoint } from '../../src/db/repositories/webhooks';
import { planDeliveryFanOut } from '../../src/notifications/delivery-notifications';
import type { EmailMessage } from '../../src/notifications/email-message';
import type { WebhookEvent, WebhookJob } from '../../src/notifications/webhook-message';
import type { DropoffWindow } from '../../src/schemas/deliveries';
import { newTrackingToken } from '../../src/tracking/tracking-token';
import type { DeliveryEventRecord, OutboundJob } from '../../src/workflows/delivery-event';
import { stack } from './stack';

/** A delivery change in the flat words tests think in. */
export interface Notice {
  eventKey: string;
  type: DeliveryChangeType;
  deliveryId: string;
  partnerId: string;
  assignedTo: string | null;
  previousAssignee: string | null;
  fromStatus: DeliveryStatus | null;
  toStatus: DeliveryStatus;
  actorId: string;
  reason: string | null;
  at: string;
  productName: string;
  recipientEmail: string | null;
  sandbox: boolean;
  dropoffWindow: DropoffWindow | null;
  failureReason: FailureReason | null;
  proof: DeliveryProof | null;
  /** The stored row's, which the record activity reads in its transaction. */
  trackingToken: string;
}

/** A delivery change as the workflow would record it, unique by its event key. */
export function notice(overrides: Partial<Notice> = {}): Notice {
  const deliveryId = overrides.deliveryId ?? randomUUID();
  return {
    eventKey: `${deliveryId}:${randomUUID()}`,
    type: 'status_changed',
    deliveryId,
    partnerId: randomUUID(),
    assignedTo: null,
    previousAssignee: null,
    fromStatus: 'ASSIGNED',
    toStatus: 'IN_TRANSIT',
    actorId: randomUUID(),
    reason: null,
    at: new Date().toISOString(),
    productName: 'Espresso machine',
    recipientEmail: null,
    sandbox: false,
    dropoffWindow: null,
    failureReason: null,
    proof: null,
    trackingToken: newTrackingToken(),
    ...overrides,
  };
}

export function recordOf(n: Notice): DeliveryEventRecord & { type: DeliveryChangeType } {
  return {
    eventKey: n.eventKey,
    type: n.type,
    fromStatus: n.fromStatus,
    previousAssignee: n.previousAssignee,
    actorId: n.actorId,
    reason: n.reason,
    ...(n.failureReason || n.proof
      ? {
          details: {
            ...(n.failureReason ? { failure_reason: n.failureReason } : {}),
            ...(n.proof ? { proof: n.proof } : {}),
          },
        }
      : {}),
    at: n.at,
    keys: { idempotencyKey: `key-${n.deliveryId}`, payloadHash: 'hash' },
    delivery: {
      id: n.deliveryId,
      workflow_id: `key-${n.deliveryId}`,
      status: n.toStatus,
      product_name: n.productName,
      delivery_address: '1 Main St',
      delivery_date: '2030-01-01',
      dropoff_window: n.dropoffWindow,
      recipient_name: null,
      recipient_phone: null,
      recipient_email: n.recipientEmail,
      notes: null,
      proof_required: false,
      sandbox: n.sandbox,
      partner_id: n.partnerId,
      assigned_to: n.assignedTo,
      failure_reason: n.failureReason,
      proof: n.proof,
      created_at: n.at,
      updated_at: n.at,
    },
  };
}

/** The emails a fan-out sends (its `sendEmails` job), none when it has no such job. */
export function emailsIn(jobs: readonly OutboundJob[]): EmailMessage[] {
  return (jobs.find((job) => job.activity === 'sendEmails')?.payload as EmailMessage[]) ?? [];
}

/** The partner webhook a fan-out sends (its `deliverWebhook` job), or null. */
/** The delivery change's webhook job, if it has one (a change's event is a delivery event). */
export function webhookIn(
  jobs: readonly OutboundJob[],
): (WebhookJob & { event: WebhookEvent }) | null {
  const job = jobs.find((candidate) => candidate.activity === 'deliverWebhook');
  return (job?.payload as (WebhookJob & { event: WebhookEvent }) | undefined) ?? null;
}

/**
 * Stores the in-app notifications of a change as the record activity does, in a transaction,
 * with the notice's tracking token standing for the stored row's and the partner's endpoint read
 * as the activity reads it with the row.
 */
export function recordDeliveryNotifications(n: Notice) {
  const links = { settings: stack().activityDeps.notifications, trackingToken: n.trackingToken };
  const record = recordOf(n);
  return stack().db.transaction(async (trx) => {
    const webhookEndpoint = Boolean(await findWebhookEndpoint(trx, record.delivery.partner_id));
    return planDeliveryFanOut(trx, record, links, { store: true, webhookEndpoint });
  });
}
