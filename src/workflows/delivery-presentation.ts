/**
 * How a delivery reads in the Temporal UI: the fixed summary and details given at start, the
 * current details kept up to date, and one-line summaries for activities. Pure: the workflow and
 * the API (which starts runs) share it.
 */
import { allowedNextStatuses, type DeliveryStatus } from '../domain/delivery-status';
import type { DeliveryEventType } from '../domain/delivery-events';
import type { FailureReason } from '../domain/failure-reasons';
import type { DeliveryRequest } from './delivery-messages';

const MAX_SUMMARY = 200;

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function deliverySummary(request: DeliveryRequest): string {
  const due = ` · due ${request.delivery_date}`;
  const route = `${request.product_name} → ${request.delivery_address}`;
  return oneLine(route, MAX_SUMMARY - due.length) + due;
}

export function deliveryDetails(fields: {
  deliveryId: string;
  partnerId: string;
  apiUrl: string;
  request: DeliveryRequest;
}): string {
  const { request } = fields;
  const lines = [
    `**Delivery** \`${fields.deliveryId}\``,
    `**Partner** \`${fields.partnerId}\``,
    request.dropoff_window
      ? `**Window** ${request.dropoff_window.start} – ${request.dropoff_window.end}`
      : `**Due** ${request.delivery_date}`,
    `**Product** ${oneLine(request.product_name, 200)}`,
    `**Address** ${oneLine(request.delivery_address, 500)}`,
  ];
  if (request.recipient_name) lines.push(`**Recipient** ${oneLine(request.recipient_name, 200)}`);
  if (request.proof_required) lines.push('**Proof of delivery** required');
  lines.push(`**API** ${fields.apiUrl}`);
  return lines.join('\n\n');
}

export interface CurrentDetailsFields {
  status: DeliveryStatus;
  assignedTo: string | null;
  lastEvent: DeliveryEventType;
  lastActor: string | null;
  lastReason: string | null;
  at: string;
  /** FAILED's code; COMPLETED's receiver and photo count. */
  failureReason?: FailureReason | null;
  proof?: { receivedBy: string; photos: number } | null;
  /** Auto-dispatch's pending offer: to whom, until when, which of how many. */
  offer?: { adminId: string; expiresAt: string; number: number; of: number } | null;
}

const NEXT_WORDS: Record<DeliveryStatus, string> = {
  CREATED: 'assign to an admin, or cancel',
  ASSIGNED: 'reassign, IN_TRANSIT by the assignee, or cancel',
  IN_TRANSIT: 'COMPLETED or FAILED by the assignee',
  COMPLETED: 'nothing (finished)',
  FAILED: 'nothing (finished)',
  CANCELLED: 'nothing (finished)',
};

export function currentDetails(fields: CurrentDetailsFields): string {
  const lines = [
    `**Status** ${fields.status}`,
    `**Assignee** ${fields.assignedTo ? `\`${fields.assignedTo}\`` : 'nobody yet'}`,
    `**Last event** ${fields.lastEvent} at ${fields.at}` +
      (fields.lastActor ? ` by \`${fields.lastActor}\`` : ''),
  ];
  if (fields.failureReason) lines.push(`**Failure** ${fields.failureReason}`);
  if (fields.lastReason) lines.push(`**Reason** ${oneLine(fields.lastReason, 300)}`);
  if (fields.proof) {
    const { receivedBy, photos } = fields.proof;
    lines.push(
      `**Received by** ${oneLine(receivedBy, 200)} (${photos} photo${photos === 1 ? '' : 's'})`,
    );
  }
  if (fields.offer) {
    const { adminId, expiresAt, number, of } = fields.offer;
    lines.push(`**Offer** ${number} of ${of} to \`${adminId}\`, open until ${expiresAt}`);
  }
  const next = allowedNextStatuses(fields.status);
  lines.push(`**Next** ${NEXT_WORDS[fields.status]}${next.length ? ` (${next.join(', ')})` : ''}`);
  return lines.join('\n\n');
}

export function recordSummary(fields: {
  type: DeliveryEventType;
  fromStatus: DeliveryStatus | null;
  toStatus: DeliveryStatus;
  actorRole: string | null;
}): string {
  const moved = fields.fromStatus !== null && fields.fromStatus !== fields.toStatus;
  const move = moved ? `${fields.fromStatus} → ${fields.toStatus}` : fields.toStatus;
  const by = fields.actorRole ? ` by ${fields.actorRole}` : '';
  return `Record ${fields.type}: ${move}${by}`;
}
