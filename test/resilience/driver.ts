import { randomUUID } from 'node:crypto';
import { call, type CallOptions, type HttpAnswer } from '../support/platform-http';

/** What one HTTP attempt got: a status, or how the connection failed. */
export interface Exchange {
  /** The fault in progress when this attempt was sent. */
  phase: string;
  api: string;
  what: string;
  sentAt: number;
  status: number | null;
  /** `refused` (never connected) or `reset` (the connection broke after the request was sent). */
  failure: 'refused' | 'reset' | null;
  detail?: string;
}

const GIVE_UP_MS = 120_000;

/** Answers a client retries (after their Retry-After): the platform asked it to come back. */
export const RETRIED_STATUSES = [503, 429];

function failureOf(error: unknown): { failure: 'refused' | 'reset'; detail: string } {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = `${cause?.code ?? ''} ${cause?.message ?? String(error)}`.trim();
  return { failure: cause?.code === 'ECONNREFUSED' ? 'refused' : 'reset', detail };
}

/**
 * An HTTP client that retries like a well-behaved integration: the same request again after a 503
 * or a 429 (admission's refusal of a caller over its share), waiting its Retry-After (at most a
 * second), or after a failed connection, alternating between the APIs.
 * Every attempt is recorded.
 */
export class RetryingClient {
  readonly exchanges: Exchange[] = [];
  /** Per phase of a first attempt, the longest wait from it to the final answer. */
  readonly longestWait = new Map<string, number>();
  phase = 'start';
  private next = 0;
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly bases: () => string[]) {}

  inFlightTo(api: string): number {
    return this.inFlight.get(api) ?? 0;
  }

  /** Per phase: the answers and failures seen, the longest wait, and why 503s and 429s were given. */
  report(): string[] {
    return [...new Set(this.exchanges.map((e) => e.phase))].flatMap((phase) => {
      const attempts = this.exchanges.filter((e) => e.phase === phase);
      const seen = new Map<string, number>();
      for (const e of attempts) {
        const key = e.status === null ? e.failure! : String(e.status);
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      const reasons = new Set(
        attempts
          .filter((e) => e.status !== null && e.detail !== undefined)
          .map((e) => `${e.status} ${e.what.split(' ')[0]}: ${e.detail}`),
      );
      return [
        `${phase}: ${JSON.stringify(Object.fromEntries(seen))}, longest wait ${this.longestWait.get(phase) ?? 0} ms`,
        ...[...reasons].map((reason) => `  ${reason}`),
      ];
    });
  }

  async send(what: string, method: string, urlPath: string, options: CallOptions) {
    const firstAt = Date.now();
    const firstPhase = this.phase;
    const giveUpAt = firstAt + GIVE_UP_MS;
    for (;;) {
      const bases = this.bases();
      const api = bases[this.next++ % bases.length]!;
      const sentAt = Date.now();
      const phase = this.phase;
      let answer: HttpAnswer | undefined;
      this.inFlight.set(api, this.inFlightTo(api) + 1);
      try {
        answer = await call(api, method, urlPath, options);
        const retried = RETRIED_STATUSES.includes(answer.status);
        const detail = retried ? String(answer.body?.detail) : undefined;
        this.exchanges.push({
          phase,
          api,
          what,
          sentAt,
          status: answer.status,
          failure: null,
          detail,
        });
        if (!retried) {
          const waited = Date.now() - firstAt;
          const longest = this.longestWait.get(firstPhase) ?? 0;
          this.longestWait.set(firstPhase, Math.max(waited, longest));
          return answer;
        }
      } catch (error) {
        this.exchanges.push({ phase, api, what, sentAt, status: null, ...failureOf(error) });
      } finally {
        this.inFlight.set(api, this.inFlightTo(api) - 1);
      }
      if (Date.now() > giveUpAt) throw new Error(`${what}: still failing after ${GIVE_UP_MS} ms`);
      const retryAfter = Number(answer?.headers.get('retry-after') ?? 1);
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter, 1) * 1000));
    }
  }
}

export type Outcome = 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface Actors {
  boss: string;
  partner: { id: string; token: string };
  admin: { id: string; token: string };
}

export interface Lifecycle {
  id: string;
  workflowId: string;
  outcome: Outcome;
  /** Statuses of each step's final answer, in order. */
  answers: number[];
  /** When the create was first sent and when the last step was answered (epoch ms). */
  startedAt: number;
  endedAt: number;
}

const OUTCOMES: Outcome[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/**
 * One delivery from its creation to `outcome`. The create is retried with the same body (the
 * idempotency key is derived from it); each change carries its own Idempotency-Key.
 */
export async function runLifecycle(
  client: RetryingClient,
  actors: Actors,
  serial: number,
): Promise<Lifecycle> {
  const outcome = OUTCOMES[serial % OUTCOMES.length]!;
  const startedAt = Date.now();
  const body = {
    product_name: `Resilience ${serial} ${randomUUID()}`,
    delivery_address: '1 Main St, Springfield',
    delivery_date: '2030-01-01',
  };
  const created = await client.send(`create ${serial}`, 'POST', '/api/v1/deliveries', {
    token: actors.partner.token,
    body,
  });
  const id = created.body.id as string;
  const steps: [string, string, unknown][] = [
    [actors.boss, 'assign', { admin_id: actors.admin.id }],
  ];
  if (outcome === 'CANCELLED') steps.push([actors.partner.token, 'cancel', { reason: 'test' }]);
  else {
    steps.push([actors.admin.token, 'status', { status: 'IN_TRANSIT' }]);
    const failure = outcome === 'FAILED' ? { failure_reason: 'recipient_unavailable' } : {};
    steps.push([actors.admin.token, 'status', { status: outcome, ...failure }]);
  }
  const answers = [created.status];
  for (const [token, action, stepBody] of steps) {
    const answer = await client.send(
      `${action} ${serial}`,
      'POST',
      `/api/v1/deliveries/${id}/${action}`,
      { token, body: stepBody, headers: { 'idempotency-key': randomUUID() } },
    );
    answers.push(answer.status);
  }
  const workflowId = created.body.workflow_id as string;
  return { id, workflowId, outcome, answers, startedAt, endedAt: Date.now() };
}
