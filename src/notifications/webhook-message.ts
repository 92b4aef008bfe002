import type { DeliveryStatus } from '../domain/delivery-status';
import type { WebhookEventType } from '../domain/notification-rules';
import type { DeliveryResource } from '../schemas/deliveries';

/**
 * What every delivery event tells the partner: the change, and the delivery's links and outcome
 * as `GET /deliveries/{id}` shows them (`proof` with its images' URLs, once COMPLETED).
 */
export type WebhookDeliveryData = {
  delivery_id: string;
  status: DeliveryStatus;
  previous_status: DeliveryStatus | null;
  assigned_to: string | null;
  reason: string | null;
  changed_at: string;
} & Pick<
  DeliveryResource,
  'tracking_url' | 'dropoff_window' | 'recipient_email' | 'failure_reason' | 'proof'
>;

/** What a partner's endpoint receives, as JSON. `id` is stable across retries for dedupe. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  created_at: string;
  data: WebhookDeliveryData;
}

export interface WebhookJob {
  partnerId: string;
  event: WebhookEvent;
}
