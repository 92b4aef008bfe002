import { DomainError } from '../domain/errors';

/** Kinds of Temporal call with a capacity of their own, so a burst of one never starves the other. */
export type Lane = 'create' | 'change';

export interface AdmissionSettings {
  /** A call slower than this shrinks its lane's limit; faster calls grow it back. */
  targetMs: number;
  /** Bounds of each lane's limit on calls in flight in this process (max 0: no limit). */
  minInFlight: number;
  maxInFlight: number;
  /** Creates are refused while the workflow task queue's backlog is above this (0: not checked). */
  createBacklogLimit: number;
}

/** The workflow task queue's approximate backlog, or null when the server cannot say. */
export type BacklogProbe = () => Promise<number | null>;

const DECREASE = 0.9;
/** At most one decrease per this long: one slow burst is one signal, not dozens. */
const DECREASE_SPACING_MS = 250;
const BACKLOG_FRESH_MS = 1000;

export const overloaded = (lane: Lane, why: string, retryAfterSeconds: number) =>
  new DomainError(
    'unavailable',
    `The platform is at capacity (${why}); retry the ${lane === 'create' ? 'create' : 'change'} after ${retryAfterSeconds} s.`,
    { retryAfterSeconds, overloaded: lane },
  );

/**
 * An additive-increase, multiplicative-decrease limit on one lane's calls in flight: it settles
 * where calls still answer within the target, so past capacity the excess is refused at once
 * instead of queueing into every answer's latency.
 */
export class LaneLimit {
  inFlight = 0;
  limit: number;
  private lastDecrease = -Infinity;

  constructor(
    private readonly settings: Pick<AdmissionSettings, 'targetMs' | 'minInFlight' | 'maxInFlight'>,
  ) {
    this.limit = settings.maxInFlight;
  }

  tryAcquire(): boolean {
    const unlimited = this.settings.maxInFlight === 0;
    if (!unlimited && this.inFlight >= Math.floor(this.limit)) return false;
    this.inFlight += 1;
    return true;
  }

  release(latencyMs: number, now: number): void {
    this.inFlight -= 1;
    const { targetMs, minInFlight, maxInFlight } = this.settings;
    if (maxInFlight === 0) return;
    if (latencyMs > targetMs) {
      if (now - this.lastDecrease < DECREASE_SPACING_MS) return;
      this.lastDecrease = now;
      this.limit = Math.max(minInFlight, this.limit * DECREASE);
    } else {
      this.limit = Math.min(maxInFlight, this.limit + 1 / this.limit);
    }
  }
}

/**
 * Admission of Temporal calls in this API process, chosen by what it measures: each lane's
 * latency (LaneLimit) and, for creates, the workflow task queue's backlog, since every create
 * adds a first workflow task that the changes of running deliveries would queue behind.
 */
export class Admission {
  readonly lanes: Record<Lane, LaneLimit>;
  private backlog: { value: number | null; at: number } = { value: null, at: -Infinity };
  private probing: Promise<void> | null = null;

  constructor(
    private readonly settings: AdmissionSettings,
    private readonly probe: BacklogProbe | null,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lanes = { create: new LaneLimit(settings), change: new LaneLimit(settings) };
  }

  /** Runs `call` if its lane has room, or refuses at once with `unavailable` (503, Retry-After). */
  async admit<T>(lane: Lane, call: () => Promise<T>): Promise<T> {
    if (lane === 'create') this.assertBacklogRoom();
    const limit = this.lanes[lane];
    if (!limit.tryAcquire()) throw overloaded(lane, 'too many calls in flight', 1);
    const started = this.now();
    try {
      return await call();
    } finally {
      limit.release(this.now() - started, this.now());
    }
  }

  private assertBacklogRoom(): void {
    const { createBacklogLimit } = this.settings;
    if (!this.probe || createBacklogLimit <= 0) return;
    if (this.now() - this.backlog.at > BACKLOG_FRESH_MS) this.refreshBacklog();
    const backlog = this.backlog.value;
    if (backlog !== null && backlog > createBacklogLimit) {
      throw overloaded('create', `${backlog} new deliveries wait for a worker`, 2);
    }
  }

  /** In the background: a create never waits for the probe; it reads the last value. */
  private refreshBacklog(): void {
    if (this.probing || !this.probe) return;
    this.probing = this.probe()
      .then(
        (value) => {
          this.backlog = { value, at: this.now() };
        },
        () => {
          this.backlog = { value: null, at: this.now() };
        },
      )
      .finally(() => {
        this.probing = null;
      });
  }
}
