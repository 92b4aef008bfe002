import { createHash } from 'node:crypto';
import type { DeliveryWebhookEventType } from '../../domain/notification-rules';
import type { DeliveryEventRecord } from '../../workflows/delivery-event';
import { deliveryResource } from '../../tracking/delivery-resource';
import type { WebhookEvent } from '../webhook-message';
import { webhookJob } from '../../workflows/outbound-jobs';
import type { DeliveryLinks, NotificationChannel } from './channel';

/** Partners dedupe on it: the same change always yields the same event id. */
function webhookEventId(eventKey: string): string {
  return 'evt_' + createHash('sha256').update(eventKey).digest('hex').slice(0, 32);
}

function webhookEvent(
  record: DeliveryEventRecord,
  type: DeliveryWebhookEventType,
  links: DeliveryLinks,
): WebhookEvent {
  // Presented as the API presents it, so a partner reads one shape in both places.
  const delivery = deliveryResource(links.settings.publicUrl, {
    ...record.delivery,
    tracking_token: links.trackingToken,
  });
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
      tracking_url: delivery.tracking_url,
      dropoff_window: delivery.dropoff_window,
      recipient_email: delivery.recipient_email,
      failure_reason: delivery.failure_reason,
      proof: delivery.proof,
    },
  };
}

/**
 * The partner's registered endpoint hears every change of its deliveries, signed. No endpoint,
 * no job (`partnerEvent` is null), so no activity: the sender reads the endpoint again anyway.
 */
export const webhookChannel: NotificationChannel = {
  name: 'webhook',
  async plan({ record, partnerEvent, links }) {
    if (!partnerEvent) return null;
    const partnerId = record.delivery.partner_id;
    return webhookJob({ partnerId, event: webhookEvent(record, partnerEvent, links) });
  },
};
