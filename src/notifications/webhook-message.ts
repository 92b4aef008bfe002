import type { DeliveryWebhookEventType } from '../domain/notification-rules';
import type { BatchCompletedData, WebhookDeliveryData } from '../schemas/webhook-events';

export type { WebhookDeliveryData };

/** What a partner's endpoint receives, as JSON. `id` is stable across retries for dedupe. */
export interface WebhookEvent {
  id: string;
  type: DeliveryWebhookEventType;
  created_at: string;
  data: WebhookDeliveryData;
}

/** The end of a bulk create, with its counts. */
export interface BatchCompletedEvent {
  id: string;
  type: 'batch.completed';
  created_at: string;
  data: BatchCompletedData;
}

export type PartnerEvent = WebhookEvent | BatchCompletedEvent;

export interface WebhookJob {
  partnerId: string;
  event: PartnerEvent;
}
