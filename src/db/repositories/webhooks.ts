import type { Static } from '@sinclair/typebox';
import type {
  WebhookAttempt as WebhookAttemptSchema,
  WebhookEndpointStatus,
} from '../../schemas/webhooks';
import type { Queryable } from '../knex';
import { WebhookAttemptModel, WebhookEndpointModel } from '../models/webhook';
import { newestFirstPage, type Page } from '../pagination';

/** The partner's registered endpoint: where to post, the signing secret, and whose it is. */
export type WebhookEndpoint = Pick<
  WebhookEndpointModel,
  'partner_id' | 'url' | 'secret' | 'disabled_at'
>;

export type WebhookAttempt = Static<typeof WebhookAttemptSchema>;

const isoOrNull = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

/** Registers or replaces the partner's endpoint (a new secret every time, enabled afresh). */
export async function upsertWebhookEndpoint(
  db: Queryable,
  endpoint: Pick<WebhookEndpoint, 'partner_id' | 'url' | 'secret'>,
): Promise<void> {
  await WebhookEndpointModel.query(db)
    .insert({ ...endpoint })
    .onConflict('partner_id')
    .merge({
      url: endpoint.url,
      secret: endpoint.secret,
      failing_since: null,
      disabled_at: null,
      updated_at: new Date(),
    });
}

export async function deleteWebhookEndpoint(db: Queryable, partnerId: string): Promise<void> {
  await WebhookEndpointModel.query(db).deleteById(partnerId);
}

/**
 * A SQL condition: the partner in `partnerColumn` has an endpoint, for statements of other
 * repositories that read it with their row (the record activity's lock).
 */
export const partnerHasWebhookEndpoint = (partnerColumn: string): string =>
  `exists (select 1 from ${WebhookEndpointModel.tableName} w where w.partner_id = ${partnerColumn})`;

export async function findWebhookEndpoint(
  db: Queryable,
  partnerId: string,
): Promise<WebhookEndpoint | undefined> {
  const row = await WebhookEndpointModel.query(db).findById(partnerId);
  return (
    row && {
      partner_id: row.partner_id,
      url: row.url,
      secret: row.secret,
      disabled_at: row.disabled_at,
    }
  );
}

/** The endpoint as its partner may see it: never the secret. */
export async function findWebhookEndpointStatus(
  db: Queryable,
  partnerId: string,
): Promise<WebhookEndpointStatus | undefined> {
  const row = await WebhookEndpointModel.query(db).findById(partnerId);
  return (
    row && {
      url: row.url,
      failing_since: isoOrNull(row.failing_since),
      disabled_at: isoOrNull(row.disabled_at),
      created_at: new Date(row.created_at).toISOString(),
      updated_at: new Date(row.updated_at).toISOString(),
    }
  );
}

/** The endpoint answered: its run of failures is over. */
export async function clearWebhookFailures(db: Queryable, partnerId: string): Promise<void> {
  await WebhookEndpointModel.query(db)
    .where({ partner_id: partnerId })
    .whereNotNull('failing_since')
    .patch({ failing_since: null });
}

/**
 * Counts a failed attempt into the endpoint's run of failures and disables the endpoint once the
 * run has lasted `disableAfterMs`. The instant it was disabled, for the one call that did it (so
 * one email); null otherwise.
 */
export async function recordWebhookFailure(
  db: Queryable,
  partnerId: string,
  disableAfterMs: number,
): Promise<Date | null> {
  await db('webhook_endpoints')
    .where({ partner_id: partnerId })
    .whereNull('failing_since')
    .update({ failing_since: db.fn.now() });
  const [disabled] = (await db('webhook_endpoints')
    .where({ partner_id: partnerId })
    .whereNull('disabled_at')
    .whereRaw("failing_since <= now() - ? * interval '1 millisecond'", [disableAfterMs])
    .update({ disabled_at: db.fn.now() })
    .returning('disabled_at')) as { disabled_at: Date }[];
  return disabled?.disabled_at ?? null;
}

/** The partner turns a disabled endpoint back on; false when it has none. */
export async function enableWebhookEndpoint(db: Queryable, partnerId: string): Promise<boolean> {
  const updated = await WebhookEndpointModel.query(db)
    .where({ partner_id: partnerId })
    .patch({ disabled_at: null, failing_since: null, updated_at: new Date() });
  return updated > 0;
}

export type NewWebhookAttempt = Pick<
  WebhookAttemptModel,
  | 'partner_id'
  | 'event_id'
  | 'event_type'
  | 'url'
  | 'status_code'
  | 'error'
  | 'attempt'
  | 'payload'
  | 'response_excerpt'
  | 'duration_ms'
  | 'next_retry_at'
  | 'replay_of'
>;

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
    partner_id: row.partner_id,
    event_id: row.event_id,
    event_type: row.event_type,
    url: row.url,
    status_code: row.status_code,
    error: row.error,
    response_excerpt: row.response_excerpt,
    duration_ms: row.duration_ms,
    attempt: row.attempt,
    next_retry_at: isoOrNull(row.next_retry_at),
    replay_of: row.replay_of,
    payload: (row.payload ?? null) as WebhookAttempt['payload'],
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function insertWebhookAttempt(
  db: Queryable,
  attempt: NewWebhookAttempt,
): Promise<WebhookAttempt> {
  const row = await WebhookAttemptModel.query(db)
    .insert({
      ...attempt,
      payload: attempt.payload === null ? null : JSON.stringify(attempt.payload),
    })
    .returning('*');
  return toAttempt(row as unknown as WebhookAttemptModel);
}

export async function findWebhookAttempt(
  db: Queryable,
  id: string,
): Promise<WebhookAttempt | undefined> {
  const row = await WebhookAttemptModel.query(db).findById(id);
  return row && toAttempt(row);
}

/** Whose attempts: one partner's, or every partner's (a super admin's log). */
export type AttemptScope = { partnerId: string } | 'all';

export async function listWebhookAttempts(
  db: Queryable,
  scope: AttemptScope,
  filters: { event_id?: string | undefined; event_type?: string | undefined },
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<WebhookAttempt>> {
  const query = WebhookAttemptModel.query(db);
  if (scope !== 'all') query.where('webhook_attempts.partner_id', scope.partnerId);
  if (filters.event_id) query.where('webhook_attempts.event_id', filters.event_id);
  if (filters.event_type) query.where('webhook_attempts.event_type', filters.event_type);
  const result = await newestFirstPage(query, 'webhook_attempts', page);
  return { rows: result.rows.map(toAttempt), next_cursor: result.next_cursor };
}
