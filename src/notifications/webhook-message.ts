import type { WebhookEventType } from '../domain/notification-rules';

/** What a partner's endpoint receives, as JSON. `id` is stable across retries for dedupe. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  created_at: string;
  data: Record<string, unknown>;
}

export interface WebhookJob {
  partnerId: string;
  event: WebhookEvent;
}
