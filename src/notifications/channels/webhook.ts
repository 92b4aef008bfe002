import { createHash } from 'node:crypto';
import { findWebhookEndpoint } from '../../db/repositories/webhooks';
import type { WebhookEventType } from '../../domain/notification-rules';
import type { DeliveryEventRecord } from '../../workflows/delivery-event';
import type { WebhookEvent } from '../webhook-message';
import { webhookJob } from '../../workflows/outbound-jobs';
import type { NotificationChannel } from './channel';

/** Partners dedupe on it: the same change always yields the same event id. */
function webhookEventId(eventKey: string): string {
  return 'evt_' + createHash('sha256').update(eventKey).digest('hex').slice(0, 32);
}

function webhookEvent(record: DeliveryEventRecord, type: WebhookEventType): WebhookEvent {
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

/** The partner's registered endpoint hears every change of its deliveries, signed. */
export const webhookChannel: NotificationChannel = {
  name: 'webhook',
  async plan({ trx, record, partnerEvent }) {
    if (!partnerEvent) return null;
    const partnerId = record.delivery.partner_id;
    if (!(await findWebhookEndpoint(trx, partnerId))) return null;
    return webhookJob({ partnerId, event: webhookEvent(record, partnerEvent) });
  },
};
