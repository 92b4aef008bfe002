import { DomainError, rateLimited } from '../domain/errors';

/** Kinds of Temporal call with a capacity of their own, so a burst of one never starves the other. */
export type Lane = 'create' | 'change';

export interface AdmissionSettings {
  /** A call slower than this shrinks its lane's limit; faster calls grow it back. */
  targetMs: number;
  /** Bounds of each lane's limit on calls in flight in this process (max 0: admission off). */
  minInFlight: number;
  maxInFlight: number;
  /** Creates are refused while the workflow task queue's backlog is above this (0: not checked). */
  createBacklogLimit: number;
  /** The fraction of a lane's limit one caller may hold in flight (1: no share checked). */
  callerShare: number;
}

/** The workflow task queue's approximate backlog, or null when the server cannot say. */
export type BacklogProbe = () => Promise<number | null>;

const DECREASE = 0.75;
/** At most one decrease per this long: one slow burst is one signal, not dozens. */
const DECREASE_SPACING_MS = 250;
const BACKLOG_FRESH_MS = 1000;
/** Weight of the newest answer in a lane's moving average of latency. */
const AVERAGE_WEIGHT = 0.2;
/** A lane whose average is over its target is congested while it answered within this long. */
const CONGESTION_MS = 1000;

export const overloaded = (lane: Lane, why: string, retryAfterSeconds: number) =>
  new DomainError(
    'unavailable',
    `The platform is at capacity (${why}); retry the ${lane === 'create' ? 'create' : 'change'} after ${retryAfterSeconds} s.`,
    { retryAfterSeconds, overloaded: lane },
  );

const overShare = (lane: Lane, inFlight: number) =>
  rateLimited(
    `You have ${inFlight} ${lane === 'create' ? 'creates' : 'changes'} in flight, your share of the platform's capacity for them; retry after 1 s.`,
    1,
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
  /** Moving average of the lane's latency (ms), and when it last answered. */
  averageMs = NaN;
  private lastAnswer = -Infinity;
  private readonly byCaller = new Map<string, number>();

  constructor(
    private readonly settings: Pick<AdmissionSettings, 'targetMs' | 'minInFlight' | 'maxInFlight'>,
  ) {
    this.limit = settings.maxInFlight;
  }

  /**
   * Whether the lane's calls answer slower than its target on average (one slow answer among
   * fast ones is not enough), as long as it answered within the last second.
   */
  congested(now: number): boolean {
    const { maxInFlight, targetMs } = this.settings;
    return maxInFlight !== 0 && this.averageMs > targetMs && now - this.lastAnswer < CONGESTION_MS;
  }

  /** Calls `caller` has in flight in this lane. */
  heldBy(caller: string): number {
    return this.byCaller.get(caller) ?? 0;
  }

  tryAcquire(caller = ''): boolean {
    const unlimited = this.settings.maxInFlight === 0;
    if (!unlimited && this.inFlight >= Math.floor(this.limit)) return false;
    this.inFlight += 1;
    this.byCaller.set(caller, this.heldBy(caller) + 1);
    return true;
  }

  release(latencyMs: number, now: number, caller = ''): void {
    this.inFlight -= 1;
    const held = this.heldBy(caller) - 1;
    if (held > 0) this.byCaller.set(caller, held);
    else this.byCaller.delete(caller);
    const { targetMs, minInFlight, maxInFlight } = this.settings;
    if (maxInFlight === 0) return;
    this.lastAnswer = now;
    this.averageMs = Number.isNaN(this.averageMs)
      ? latencyMs
      : this.averageMs + AVERAGE_WEIGHT * (latencyMs - this.averageMs);
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
 * latency (LaneLimit) and, for creates, the change lane's congestion and the workflow task
 * queue's backlog, since every create adds workflow tasks that the changes of running deliveries
 * would queue behind: past capacity new deliveries wait, running ones keep moving. A caller
 * holding its share of a lane is told to slow down (429) before the lane is full for everyone.
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

  /**
   * Runs `call` for `caller` (a user's ID) if its lane has room, or refuses at once: 429
   * (`rate-limited`) when the caller holds its share of the lane, 503 (`unavailable`) when the
   * platform is past capacity; both with Retry-After.
   */
  async admit<T>(lane: Lane, caller: string, call: () => Promise<T>): Promise<T> {
    const limit = this.lanes[lane];
    this.assertAdmissible(lane, caller);
    if (!limit.tryAcquire(caller)) throw overloaded(lane, 'too many calls in flight', 1);
    const started = this.now();
    try {
      return await call();
    } finally {
      limit.release(this.now() - started, this.now(), caller);
    }
  }

  /**
   * Throws the refusal `admit` would give now, so a request past capacity is refused before it
   * reads anything; `admit` checks again, as the room may be gone by the time it calls.
   */
  assertRoom(lane: Lane, caller: string): void {
    this.assertAdmissible(lane, caller);
    const limit = this.lanes[lane];
    if (this.settings.maxInFlight !== 0 && limit.inFlight >= Math.floor(limit.limit)) {
      throw overloaded(lane, 'too many calls in flight', 1);
    }
  }

  private assertAdmissible(lane: Lane, caller: string): void {
    this.assertCallerShare(lane, caller);
    if (lane === 'create') this.assertCreateRoom();
  }

  private assertCallerShare(lane: Lane, caller: string): void {
    const { callerShare, maxInFlight } = this.settings;
    if (maxInFlight === 0 || callerShare >= 1) return;
    const limit = this.lanes[lane];
    const share = Math.max(1, Math.floor(limit.limit * callerShare));
    const held = limit.heldBy(caller);
    if (held >= share) throw overShare(lane, held);
  }

  private assertCreateRoom(): void {
    if (this.settings.maxInFlight === 0) return;
    if (this.lanes.change.congested(this.now())) {
      throw overloaded('create', 'the changes of running deliveries answer slowly', 1);
    }
    this.assertBacklogRoom();
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
