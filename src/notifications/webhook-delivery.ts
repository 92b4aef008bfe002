import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Config } from '../config';
import type { Queryable } from '../db/knex';
import {
  findWebhookEndpoint,
  insertWebhookAttempt,
  type WebhookAttempt,
  type WebhookEndpoint,
  webhookAttemptStatuses,
} from '../db/repositories/webhooks';
import type { WebhookJob } from './webhook-message';
import { webhookHeaders } from './webhook-signature';
import { resolveWebhookTarget, WebhookTargetError, type ResolvedTarget } from './webhook-target';

export interface WebhookSettings {
  allowPrivateTargets: boolean;
  timeoutMs: number;
  /** A run of failures this long disables the endpoint (24 hours). */
  disableAfterMs: number;
  /** Where the partner re-enables it (the console), for the email that says so. */
  publicUrl: string;
}

export type WebhookOutcome =
  | { kind: 'delivered'; status: number }
  /** A retry finds the event delivered, or refused for good, by an earlier attempt. */
  | { kind: 'settled-before' }
  | { kind: 'no-endpoint' }
  | { kind: 'endpoint-disabled' }
  | { kind: 'failed'; retryable: boolean; reason: string };

/** What the log keeps of the endpoint's answer. */
const EXCERPT_BYTES = 1024;

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

interface Answer {
  status: number;
  excerpt: string;
}

function post(
  target: ResolvedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<Answer> {
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
        // The first bytes are kept for the log; the rest is read and dropped.
        const kept: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) kept.push(chunk.subarray(0, EXCERPT_BYTES - size));
          size += chunk.length;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            excerpt: Buffer.concat(kept).toString('utf8'),
          }),
        );
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

export const ENDPOINT_DISABLED = 'endpoint disabled: not sent (re-enable it, then replay)';

export interface AttemptOptions {
  /** When Temporal will try again if this attempt fails retryably; none for a replay. */
  nextRetryAt?: (now: Date) => Date | null;
  /** The logged attempt a partner asked to send again. */
  replayOf?: string;
}

/** What the attempt did, and its row in the log (none when the partner has no endpoint). */
export interface RecordedAttempt {
  outcome: WebhookOutcome;
  logged: WebhookAttempt | null;
}

async function send(
  endpoint: WebhookEndpoint,
  job: WebhookJob,
  settings: WebhookSettings,
): Promise<{ outcome: WebhookOutcome; answer: Answer | null }> {
  try {
    const target = await resolveWebhookTarget(endpoint.url, settings.allowPrivateTargets);
    const body = JSON.stringify(job.event);
    const headers = webhookHeaders(endpoint.secret, job.event.id, body, new Date());
    const answer = await post(target, headers, body, settings.timeoutMs);
    const { status } = answer;
    const outcome: WebhookOutcome =
      status >= 200 && status < 300
        ? { kind: 'delivered', status }
        : { kind: 'failed', retryable: isRetryableStatus(status), reason: `HTTP ${status}` };
    return { outcome, answer };
  } catch (error) {
    const outcome: WebhookOutcome =
      error instanceof WebhookTargetError
        ? { kind: 'failed', retryable: error.transient, reason: error.message }
        : { kind: 'failed', retryable: true, reason: describeError(error) };
    return { outcome, answer: null };
  }
}

/**
 * One delivery attempt of an event to the partner's current endpoint, logged whatever happens
 * (with the event as sent, the answer's first bytes, the time it took and the next retry). The
 * endpoint is read at each attempt so a rotated secret or a fixed URL takes effect on retry; a
 * disabled endpoint is not called, and the event is logged for a replay once it is enabled.
 */
export async function sendAndLogWebhook(
  db: Queryable,
  job: WebhookJob,
  attempt: number,
  settings: WebhookSettings,
  options: AttemptOptions = {},
): Promise<RecordedAttempt> {
  // An attempt that posted but never reported back (a worker lost, or the activity retried for
  // another message sent with it) must not post the event again.
  if (attempt > 1 && (await settledEarlier(db, job))) {
    return { outcome: { kind: 'settled-before' }, logged: null };
  }
  const endpoint = await findWebhookEndpoint(db, job.partnerId);
  if (!endpoint) return { outcome: { kind: 'no-endpoint' }, logged: null };
  const started = Date.now();
  const { outcome, answer } = endpoint.disabled_at
    ? { outcome: { kind: 'endpoint-disabled' } as const, answer: null }
    : await send(endpoint, job, settings);
  const now = new Date();
  const retrying = outcome.kind === 'failed' && outcome.retryable;
  const logged = await insertWebhookAttempt(db, {
    partner_id: job.partnerId,
    event_id: job.event.id,
    event_type: job.event.type,
    url: endpoint.url,
    status_code: answer?.status ?? null,
    error: errorOf(outcome),
    attempt,
    payload: job.event,
    response_excerpt: answer ? answer.excerpt : null,
    duration_ms: outcome.kind === 'endpoint-disabled' ? null : now.getTime() - started,
    next_retry_at: retrying && options.nextRetryAt ? options.nextRetryAt(now) : null,
    replay_of: options.replayOf ?? null,
  });
  return { outcome, logged };
}

function errorOf(outcome: WebhookOutcome): string | null {
  switch (outcome.kind) {
    case 'failed':
      return outcome.reason;
    case 'endpoint-disabled':
      return ENDPOINT_DISABLED;
    case 'delivered':
    case 'settled-before':
    case 'no-endpoint':
      return null;
    default: {
      const unknown: never = outcome;
      throw new Error(`Unknown webhook outcome ${JSON.stringify(unknown)}`);
    }
  }
}

/** `sendAndLogWebhook`'s outcome alone: what the activity and most tests need. */
export async function attemptWebhook(
  db: Queryable,
  job: WebhookJob,
  attempt: number,
  settings: WebhookSettings,
  options: AttemptOptions = {},
): Promise<WebhookOutcome> {
  return (await sendAndLogWebhook(db, job, attempt, settings, options)).outcome;
}

/** How long an endpoint may fail without a break before it is disabled. */
export const DISABLE_AFTER_FAILING_MS = 24 * 3600 * 1000;

export function webhookSettingsFrom(config: Config): WebhookSettings {
  return {
    allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    timeoutMs: 10_000,
    disableAfterMs: DISABLE_AFTER_FAILING_MS,
    publicUrl: config.PUBLIC_URL,
  };
}
