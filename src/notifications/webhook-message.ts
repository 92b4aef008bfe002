import type { WebhookEventType } from '../domain/notification-rules';
import type { WebhookDeliveryData } from '../schemas/webhook-events';

export type { WebhookDeliveryData };

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
