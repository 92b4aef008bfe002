import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Config } from '../config';
import type { Queryable } from '../db/knex';
import {
  findWebhookEndpoint,
  insertWebhookAttempt,
  webhookAttemptStatuses,
} from '../db/repositories/webhooks';
import type { WebhookJob } from './webhook-message';
import { webhookHeaders } from './webhook-signature';
import { resolveWebhookTarget, WebhookTargetError, type ResolvedTarget } from './webhook-target';

export interface WebhookSettings {
  allowPrivateTargets: boolean;
  timeoutMs: number;
}

export type WebhookOutcome =
  | { kind: 'delivered'; status: number }
  /** A retry finds the event delivered, or refused for good, by an earlier attempt. */
  | { kind: 'settled-before' }
  | { kind: 'no-endpoint' }
  | { kind: 'failed'; retryable: boolean; reason: string };

/** 408 and 429 say "later"; every other 4xx says the request itself is wrong. */
function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429 || status < 400;
}

async function settledEarlier(db: Queryable, job: WebhookJob): Promise<boolean> {
  const statuses = await webhookAttemptStatuses(db, job.partnerId, job.event.id);
  return statuses.some(
    (status) => status !== null && ((status >= 200 && status < 300) || !isRetryableStatus(status)),
  );
}

function post(
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  // Connect to the address that passed the guard instead of resolving the name again.
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const transport = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: pinned,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function describeError(error: unknown): string {
  if (error instanceof Error && error.name === 'AbortError') return 'timed out';
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

/**
 * One delivery attempt of an event to the partner's current endpoint, recorded whatever happens.
 * The endpoint is read at each attempt so a rotated secret or a fixed URL takes effect on retry.
 */
export async function attemptWebhook(
  db: Queryable,
  job: WebhookJob,
  attempt: number,
  settings: WebhookSettings,
): Promise<WebhookOutcome> {
  // An attempt that posted but never reported back (a worker lost, or the activity retried for
  // another message sent with it) must not post the event again.
  if (attempt > 1 && (await settledEarlier(db, job))) return { kind: 'settled-before' };
  const endpoint = await findWebhookEndpoint(db, job.partnerId);
  if (!endpoint) return { kind: 'no-endpoint' };
  const record = (status_code: number | null, error: string | null) =>
    insertWebhookAttempt(db, {
      partner_id: job.partnerId,
      event_id: job.event.id,
      event_type: job.event.type,
      url: endpoint.url,
      status_code,
      error,
      attempt,
    });
  let outcome: WebhookOutcome;
  let status: number | null = null;
  try {
    const target = await resolveWebhookTarget(endpoint.url, settings.allowPrivateTargets);
    const body = JSON.stringify(job.event);
    const headers = webhookHeaders(endpoint.secret, job.event.id, body, new Date());
    status = await post(target, headers, body, settings.timeoutMs);
    outcome =
      status >= 200 && status < 300
        ? { kind: 'delivered', status }
        : { kind: 'failed', retryable: isRetryableStatus(status), reason: `HTTP ${status}` };
  } catch (error) {
    outcome =
      error instanceof WebhookTargetError
        ? { kind: 'failed', retryable: error.transient, reason: error.message }
        : { kind: 'failed', retryable: true, reason: describeError(error) };
  }
  await record(status, outcome.kind === 'failed' ? outcome.reason : null);
  return outcome;
}

export function webhookSettingsFrom(config: Config): WebhookSettings {
  return { allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS, timeoutMs: 10_000 };
}
