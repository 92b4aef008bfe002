import type { Static } from '@sinclair/typebox';
import type { WebhookAttempt as WebhookAttemptSchema } from '../../schemas/webhooks';
import type { Queryable } from '../knex';
import { WebhookAttemptModel, WebhookEndpointModel } from '../models/webhook';
import { newestFirstPage, type Page } from '../pagination';

/** The partner's registered endpoint: where to post, the signing secret, and whose it is. */
export type WebhookEndpoint = Pick<WebhookEndpointModel, 'partner_id' | 'url' | 'secret'>;

export type WebhookAttempt = Static<typeof WebhookAttemptSchema>;

/** Registers or replaces the partner's endpoint (a new secret every time). */
export async function upsertWebhookEndpoint(
  db: Queryable,
  endpoint: WebhookEndpoint,
): Promise<void> {
  await WebhookEndpointModel.query(db)
    .insert({ ...endpoint })
    .onConflict('partner_id')
    .merge({ url: endpoint.url, secret: endpoint.secret, updated_at: new Date() });
}

export async function deleteWebhookEndpoint(db: Queryable, partnerId: string): Promise<void> {
  await WebhookEndpointModel.query(db).deleteById(partnerId);
}

export async function findWebhookEndpoint(
  db: Queryable,
  partnerId: string,
): Promise<WebhookEndpoint | undefined> {
  const row = await WebhookEndpointModel.query(db).findById(partnerId);
  return row && { partner_id: row.partner_id, url: row.url, secret: row.secret };
}

export type NewWebhookAttempt = Pick<
  WebhookAttemptModel,
  'partner_id' | 'event_id' | 'event_type' | 'url' | 'status_code' | 'error' | 'attempt'
>;

export async function insertWebhookAttempt(
  db: Queryable,
  attempt: NewWebhookAttempt,
): Promise<void> {
  await WebhookAttemptModel.query(db).insert(attempt);
}

/** The HTTP status of every earlier attempt at one event (null where none was received). */
export async function webhookAttemptStatuses(
  db: Queryable,
  partnerId: string,
  eventId: string,
): Promise<(number | null)[]> {
  const rows = await WebhookAttemptModel.query(db)
    .where({ partner_id: partnerId, event_id: eventId })
    .select('status_code');
  return rows.map((row) => row.status_code);
}

function toAttempt(row: WebhookAttemptModel): WebhookAttempt {
  return {
    id: row.id,
    event_id: row.event_id,
    event_type: row.event_type,
    url: row.url,
    status_code: row.status_code,
    error: row.error,
    attempt: row.attempt,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function listWebhookAttempts(
  db: Queryable,
  partnerId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<WebhookAttempt>> {
  const query = WebhookAttemptModel.query(db).where('webhook_attempts.partner_id', partnerId);
  const result = await newestFirstPage(query, 'webhook_attempts', page);
  return { rows: result.rows.map(toAttempt), next_cursor: result.next_cursor };
}
