import type { Queryable } from '../db/knex';
import type { Page } from '../db/pagination';
import {
  clearWebhookFailures,
  enableWebhookEndpoint,
  findWebhookAttempt,
  findWebhookEndpoint,
  findWebhookEndpointStatus,
  listWebhookAttempts,
  type AttemptScope,
  type WebhookAttempt,
} from '../db/repositories/webhooks';
import type { Viewer } from '../domain/delivery-visibility';
import { conflict, notFound } from '../domain/errors';
import type { WebhookEndpointStatus } from '../schemas/webhooks';
import { sendAndLogWebhook, type WebhookSettings } from './webhook-delivery';
import type { PartnerEvent } from './webhook-message';

/**
 * Whose attempts a viewer reads: a partner its own (another partner's id filters to nothing), a
 * super admin every partner's or the one it names; anyone else nothing.
 */
function attemptScope(viewer: Viewer, partnerId: string | undefined): AttemptScope | null {
  const role = viewer.role;
  switch (role) {
    case 'partner':
      return partnerId === undefined || partnerId === viewer.id ? { partnerId: viewer.id } : null;
    case 'super_admin':
      return partnerId === undefined ? 'all' : { partnerId };
    case 'admin':
      return null;
    default: {
      const unknown: never = role;
      void unknown;
      return null;
    }
  }
}

export interface AttemptQuery {
  event_id?: string | undefined;
  event_type?: string | undefined;
  partner_id?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export async function listVisibleAttempts(
  db: Queryable,
  viewer: Viewer,
  query: AttemptQuery,
): Promise<Page<WebhookAttempt>> {
  const { partner_id: partnerId, limit = 20, cursor, ...filters } = query;
  const scope = attemptScope(viewer, partnerId);
  if (!scope) return { rows: [], next_cursor: null };
  return listWebhookAttempts(db, scope, filters, { limit, cursor });
}

async function findVisibleAttempt(
  db: Queryable,
  viewer: Viewer,
  id: string,
): Promise<WebhookAttempt> {
  const attempt = await findWebhookAttempt(db, id);
  const scope = attemptScope(viewer, attempt?.partner_id);
  if (!attempt || !scope || (scope !== 'all' && scope.partnerId !== attempt.partner_id)) {
    throw notFound('The webhook attempt');
  }
  return attempt;
}

/**
 * Sends a logged event again, now, to the partner's current endpoint: the same event (id, type,
 * body), signed afresh. One attempt while the caller waits, logged with `replay_of`; not retried.
 */
export async function replayWebhookAttempt(
  db: Queryable,
  settings: WebhookSettings,
  viewer: Viewer,
  id: string,
): Promise<WebhookAttempt> {
  const original = await findVisibleAttempt(db, viewer, id);
  if (original.payload === null) {
    throw conflict('This attempt was logged before event bodies were kept; it cannot be replayed.');
  }
  const endpoint = await findWebhookEndpoint(db, original.partner_id);
  if (!endpoint) throw conflict('No webhook endpoint is registered; register one first.');
  if (endpoint.disabled_at) {
    throw conflict('The webhook endpoint is disabled; re-enable it first.');
  }
  const job = { partnerId: original.partner_id, event: original.payload as PartnerEvent };
  const { outcome, logged } = await sendAndLogWebhook(db, job, 1, settings, { replayOf: id });
  if (outcome.kind === 'delivered') await clearWebhookFailures(db, original.partner_id);
  // Read again between the two awaits above, the endpoint could have gone: nothing was sent.
  if (!logged) throw conflict('No webhook endpoint is registered; register one first.');
  return logged;
}

export async function webhookEndpointStatus(
  db: Queryable,
  partnerId: string,
): Promise<WebhookEndpointStatus> {
  const status = await findWebhookEndpointStatus(db, partnerId);
  if (!status) throw notFound('The webhook endpoint');
  return status;
}

/** Turns the partner's endpoint back on, its run of failures forgotten. */
export async function enableEndpoint(
  db: Queryable,
  partnerId: string,
): Promise<WebhookEndpointStatus> {
  if (!(await enableWebhookEndpoint(db, partnerId))) throw notFound('The webhook endpoint');
  return webhookEndpointStatus(db, partnerId);
}
