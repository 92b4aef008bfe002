/**
 * The benchmark's records, and the only code that writes them. One run of `npm run bench` yields a
 * `BenchRun` (the raw numbers); from it alone come `bench/results/latest.json` (the run as is),
 * `bench/results/latest.md` (every measure, every list filter, CPU per phase) and the table between
 * the `bench:begin` / `bench:end` markers of `docs/performance.md`. No number in those files is
 * written by hand. The goals live here too, beside the rows they judge.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { ListResult } from './lists';
import type { Stats } from './support';

/** Latency percentiles in ms; `perSecond` only where the wall time of a whole load was known. */
export interface RecordedStats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  perSecond: number | null;
}

/** A timed load: its latencies and the cores each program kept busy (e.g. "node 0.98, temporal 0.61"). */
export interface LoadRecord {
  stats: RecordedStats;
  cores: string;
}

export interface BenchRun {
  /** ISO 8601 instants (UTC) at which the run started and ended. */
  startedAt: string;
  endedAt: string;
  /** The commit checked out at the start; `uncommitted` lists changed paths that the run measured. */
  commit: { hash: string; uncommitted: string[] } | null;
  machine: {
    cores: number;
    cpuModel: string;
    memoryGiB: number;
    os: string;
    node: string;
    /** 1-minute load average at the start and at the end of the run. */
    loadAverage: { start: number; end: number };
  };
  options: Record<string, number>;
  bareStart: LoadRecord;
  create: LoadRecord & { statuses: Record<string, number> };
  drain: {
    ms: number;
    /** From the end of the create load until the task queue's backlog count read empty. */
    backlogEmptyMs: number;
    firstTasksDuringLoad: number;
    created: number;
    /** Creates whose first task was done, per second of load + drain. */
    perSecond: number;
    startToFirstTask: RecordedStats;
    queued: RecordedStats;
    ran: RecordedStats;
    taskTimeouts: number;
    /** Cores per program from the end of the load until the backlog count read empty. */
    cores: string;
  };
  change: LoadRecord & { statuses: Record<string, number>; wrongAnswers: number };
  bareUpdate: LoadRecord;
  lifecycle: {
    runs: number;
    events: { min: number; max: number };
    /** History event types of the first lifecycle, by count. */
    firstHistory: Record<string, number>;
    apiCalls: RecordedStats;
    untilClosed: RecordedStats;
  };
  duplicates: {
    count: number;
    statuses: Record<string, number>;
    rows: number;
    serverErrors: number;
    stats: RecordedStats;
  };
  /** Absent when the list phase was skipped (BENCH_LIST_ROWS=0). */
  lists: { rows: number; results: ListResult[] } | null;
  /** Null when skipped (BENCH_TRACKING=0); absent from runs before the tracking page existed. */
  tracking?: TrackingRecord | null;
  /** Null when skipped (BENCH_CAPACITY=0); absent from runs before the capacity phase existed. */
  capacity?: CapacityRecord | null;
  /**
   * Null when skipped (BENCH_DISPATCHER=0) or without Chromium; absent from runs before the
   * dispatcher task existed.
   */
  dispatcherTask?: DispatcherTaskRecord | null;
  /** Null when skipped (BENCH_DISPATCH=0); absent from runs before it joined `npm run bench`. */
  autoDispatch?: AutoDispatchRecord | null;
}

/** A burst of deliveries in `auto` dispatch mode with simulated admins (`bench/dispatch.ts`). */
export interface AutoDispatchRecord {
  deliveries: number;
  admins: number;
  capacity: number;
  acceptPercent: number;
  offerTimeoutSeconds: number;
  maxOffers: number;
  createdMs: number;
  /** From the first create until every delivery was assigned or back in the queue, no offer open. */
  settledMs: number;
  /** Deliveries assigned (by an accepted offer) and deliveries back in the queue. */
  assigned: number;
  returned: number;
  /**
   * The simulated admins' answers taken (200), the tries again after a 503 or 429 (each under its
   * Idempotency-Key), and the answers refused for good by status (409: the offer had closed).
   */
  answers: { accepted: number; declined: number; retried: number; refused: Record<string, number> };
  offersByStatus: Record<string, number>;
  /** Returned deliveries whose super admin was told (one notice each). */
  returnedNotified: number;
  /** The largest (open deliveries + pending offers) − capacity seen over the admins. */
  peakOverCapacity: number;
  /** Deliveries offered more than once to one admin. */
  offeredTwice: number;
}

/** The super admin's task in Chromium, sign-in to assignment (`bench/dispatcher-task.ts`). */
export interface DispatcherTaskRecord {
  /** Deliveries seeded over the last 30 days (besides the unassigned ones the runs assign). */
  deliveries: number;
  /** The browser's width in CSS px. */
  width: number;
  runs: number;
  /** From submitting the sign-in form to the assignment's confirmation on screen. */
  p50Ms: number;
  maxMs: number;
  /** Medians since the sign-in was submitted: counts and chart shown, the found delivery open,
   * back on the Overview with the oldest unassigned's form, assigned. */
  stepsP50Ms: { landed: number; found: number; back: number; assigned: number };
  /** What the script needed: clicks (a select changed counts as one) and typed (pasted) fields. */
  clicks: number;
  typedFields: number;
  /**
   * A person's own pointing, pressing and reading for the actions after the sign-in, by the
   * Keystroke-Level Model: what the wall time would add to for a human (an estimate).
   */
  personEstimateMs: number;
  goalMs: number;
}

/** One offered rate of whole lifecycles, open loop (`bench/capacity.ts`). */
export interface CapacityStep {
  /** Lifecycles started per second. */
  rate: number;
  lifecycles: number;
  /** Lifecycles whose every call was answered 2xx and whose run closed. */
  finished: number;
  /** Every call of the step (creates and changes). */
  calls: RecordedStats;
  statuses: Record<string, number>;
  /** CPU ms per lifecycle by process: api, worker, temporal, postgres, load (the generator). */
  cpuMsPerLifecycle: Record<string, number>;
  /** Every call 2xx, p99 ≤ 500 ms, every lifecycle finished. */
  held: boolean;
}

/** One target's rising rates. */
export interface CapacityTarget {
  steps: CapacityStep[];
  /** The highest rate that held (lifecycles/s); 0 when none did. */
  capacity: number;
  /** Means over lifecycles sampled at that rate, from their histories; null when none held. */
  perLifecycle: {
    samples: number;
    events: number;
    workflowTasks: number;
    activityTasks: number;
    localActivities: number;
  } | null;
}

/** Twice the platform's capacity offered, with clients that retry a refused change. */
export interface OverloadRecord {
  rate: number;
  seconds: number;
  lifecycles: number;
  /** Lifecycles whose create was accepted … */
  createsAccepted: number;
  /** … and those that finished (every change accepted in the end, the run closed). */
  finished: number;
  /** By lane and status, e.g. `{"create 201": 80, "create 503": 40, "change 200": 240}`. */
  statuses: Record<string, number>;
  all: RecordedStats;
  /** 2xx answers; null when nothing was accepted. */
  accepted: RecordedStats | null;
  /** 503 and 429 answers; null when nothing was refused. */
  refused: RecordedStats | null;
  cpuMsPerLifecycle: Record<string, number>;
  /**
   * The load generator's own event-loop delay during the phase (ms): how long an answer may have
   * waited in the measuring process before it was timed, not in the platform. Absent in records
   * from before it was kept.
   */
  loadLagMs?: { p99: number; max: number };
  /**
   * The refusals as the API process timed them (its request histogram: from the request read to
   * the answer built, so without the waits to be read and sent), and how many within 100 ms.
   */
  refusedInApi?: { within100ms: number; total: number };
}

export interface CapacityRecord {
  /** `dev`: embedded PostgreSQL and the Temporal dev server; `production`: a Temporal server. */
  stack: 'dev' | 'production';
  seconds: number;
  bare: CapacityTarget;
  platform: CapacityTarget;
  /** Null when the platform held no rate (nothing to double). */
  overload: OverloadRecord | null;
}

/** The public tracking page (`bench/tracking.ts`). */
export interface TrackingRecord {
  /** Time to last byte of `GET /track/{token}` (the HTML), one request at a time, platform idle. */
  page: RecordedStats;
  pageBytes: number;
  /** Chromium's first-contentful-paint of fresh loads (ms); null when Chromium is not installed. */
  firstContentfulPaintMs: number[] | null;
  /** Pages following one delivery live, and one change to it. */
  streams: {
    count: number;
    /** To open every stream and receive its first view. */
    openMs: number;
    /** The change's own answer (an assignment through the API). */
    changeMs: number;
    /** From sending the change until the last stream had the new view. */
    allReceivedMs: number;
    /** Per stream, from sending the change. */
    arrival: RecordedStats;
    /** Reads of the delivery the hub made for the change (coalesced: 1 is ideal). */
    reads: number;
    /** Streams whose views were not exactly [before, after]. */
    wrong: number;
    cores: string;
  };
}

export interface SummaryRow {
  measure: string;
  result: string;
  goal: string;
  /** Whether the goal was met; null where the row has no goal. */
  met: boolean | null;
}

export const MARKER_BEGIN = '<!-- bench:begin -->';
export const MARKER_END = '<!-- bench:end -->';

/** JSON has no NaN: a rate without a wall time is recorded as null. */
export function recordStats(s: Stats): RecordedStats {
  const { n, p50, p95, p99, max, perSecond } = s;
  return { n, p50, p95, p99, max, perSecond: Number.isFinite(perSecond) ? perSecond : null };
}

export const ms = (value: number) =>
  value < 10_000 ? `${value.toFixed(1)} ms` : `${(value / 1000).toFixed(2)} s`;
const latency = (s: RecordedStats) => `p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}`;
const rate = (s: RecordedStats) => (s.perSecond === null ? '—' : `${s.perSecond.toFixed(0)}/s`);
const ratio = (value: number) => `${value.toFixed(2)}×`;

/** Every measure of a run with its goal, in the order the bench takes them. */
export function summaryRows(run: BenchRun): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const row = (measure: string, result: string, goal = '—', met: boolean | null = null) =>
    rows.push({ measure, result, goal, met });
  const { bareStart, create, drain, change, bareUpdate, lifecycle, duplicates } = run;
  const starts = run.options['starts'] ?? NaN;

  row(
    'Bare start (unpolled type: no worker polls its task queue), throughput',
    rate(bareStart.stats),
  );
  row('Bare start latency', latency(bareStart.stats));
  row('Create, throughput', rate(create.stats));
  row('Create latency', latency(create.stats));
  row(
    'Create statuses',
    JSON.stringify(create.statuses),
    `all ${starts} 201`,
    create.statuses['201'] === starts,
  );
  const throughput = (create.stats.perSecond ?? NaN) / (bareStart.stats.perSecond ?? NaN);
  row('Create / bare throughput', ratio(throughput), '≥ 0.8×', throughput >= 0.8);
  const p99 = create.stats.p99 / bareStart.stats.p99;
  row('Create p99 / bare p99', ratio(p99), '≤ 1.5×', p99 <= 1.5);

  row('Drain after the create load', ms(drain.ms));
  row(
    'First tasks done while the create load ran',
    `${drain.firstTasksDuringLoad} of ${drain.created}`,
  );
  row('Creates with first task done (N / (load + drain))', `${drain.perSecond.toFixed(0)}/s`);
  row(
    'Start → first workflow task done',
    `${latency(drain.startToFirstTask)}, max ${ms(drain.startToFirstTask.max)}`,
  );
  row('Workflow task timeouts before the first task was done', String(drain.taskTimeouts));

  row('Change (re-assign), throughput', rate(change.stats));
  row('Change latency', latency(change.stats), 'p50 ≤ 100 ms', change.stats.p50 <= 100);
  row(
    'Change answers',
    JSON.stringify(change.statuses),
    'all 200, new assignee',
    change.wrongAnswers === 0,
  );
  row('Bare update (no-op workflow), throughput', rate(bareUpdate.stats));
  row('Bare update latency', latency(bareUpdate.stats));
  row('Change p50 / bare update p50', ratio(change.stats.p50 / bareUpdate.stats.p50));

  const { min, max } = lifecycle.events;
  row('History events per lifecycle', `min ${min}, max ${max}`, '≤ 45', max <= 45);
  const wall = (s: RecordedStats) => `p50 ${ms(s.p50)}, max ${ms(s.max)}`;
  row('Lifecycle wall time, 4 API calls', wall(lifecycle.apiCalls));
  row('Lifecycle wall time, until closed', wall(lifecycle.untilClosed));

  const { count } = duplicates;
  row(
    `Duplicate storm (${count} identical creates)`,
    `${JSON.stringify(duplicates.statuses)}, ${duplicates.rows} row(s), p99 ${ms(duplicates.stats.p99)}`,
    `1 row, one 201, ${count - 1} replayed 200s, no 5xx`,
    duplicates.rows === 1 &&
      duplicates.statuses['201'] === 1 &&
      duplicates.statuses['200 replayed'] === count - 1 &&
      duplicates.serverErrors === 0,
  );

  if (run.tracking) trackingRows(run.tracking, row);
  if (run.dispatcherTask) dispatcherTaskRow(run.dispatcherTask, row);
  if (run.autoDispatch) {
    row(
      'Auto-dispatch: a burst of deliveries, simulated admins accepting or declining each offer',
      describeAutoDispatch(run.autoDispatch),
      'each assigned or back in the queue with a notice; nobody over capacity; nobody offered one twice',
      autoDispatchMet(run.autoDispatch),
    );
  }
  if (run.capacity) capacityRows(run.capacity, row);

  if (run.lists && run.lists.results.length > 0) {
    const { results } = run.lists;
    const worst = results.reduce((a, b) => (b.p99 > a.p99 ? b : a));
    const over = results.filter((r) => r.p99 > 20).length;
    row(
      `Lists at ${run.lists.rows.toLocaleString('en')} rows (${results.length} filter × scope)`,
      `worst p99 ${ms(worst.p99)} (${worst.scope}, ${worst.filter}); ${over} over 20 ms`,
      'every p99 ≤ 20 ms',
      over === 0,
    );
  }
  return rows;
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The tracking page's goals: first paint under 300 ms, every one of many open pages right. */
function trackingRows(
  tracking: TrackingRecord,
  row: (measure: string, result: string, goal?: string, met?: boolean | null) => void,
): void {
  const { page, streams } = tracking;
  row(
    `Tracking page, time to last byte (HTML, ${tracking.pageBytes} bytes, idle platform)`,
    latency(page),
    'p99 < 300 ms',
    page.p99 < 300,
  );
  const fcp = tracking.firstContentfulPaintMs;
  if (fcp && fcp.length > 0) {
    row(
      `Tracking page, Chromium first-contentful-paint (${fcp.length} fresh loads)`,
      `median ${ms(median(fcp))}, max ${ms(Math.max(...fcp))}`,
      'max < 300 ms',
      Math.max(...fcp) < 300,
    );
  }
  row(
    `Tracking: ${streams.count} open pages on one delivery, one change`,
    `all had the new view ${ms(streams.allReceivedMs)} after it was sent (p50 ${ms(streams.arrival.p50)}; ` +
      `the change answered in ${ms(streams.changeMs)}); ${streams.reads} read(s) of the delivery`,
    'every page gets exactly the new view',
    streams.wrong === 0,
  );
}

/** Issue 20's goal held: everything settled, nobody over capacity, no offer made twice. */
export const autoDispatchMet = (r: AutoDispatchRecord) =>
  r.assigned + r.returned === r.deliveries &&
  r.peakOverCapacity <= 0 &&
  r.offeredTwice === 0 &&
  r.returnedNotified === r.returned;

export function describeAutoDispatch(r: AutoDispatchRecord): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return (
    `${r.deliveries} deliveries in a burst for ${r.admins} admins × capacity ${r.capacity} ` +
    `(offers of ${r.offerTimeoutSeconds} s, ${r.maxOffers} at most, ${r.acceptPercent}% accepted after 1–5 s): ` +
    `created in ${s(r.createdMs)}, settled in ${s(r.settledMs)}; ${r.assigned} assigned, ` +
    `${r.returned} back in the queue with ${r.returnedNotified} super-admin notices; answers ` +
    `${r.answers.accepted} accepted, ${r.answers.declined} declined, refused ` +
    `${Object.keys(r.answers.refused).length > 0 ? JSON.stringify(r.answers.refused) : 'none'} ` +
    `(${r.answers.retried} tried again after a 503/429); ` +
    `peak load over capacity ${r.peakOverCapacity}, ${r.offeredTwice} offered twice to one admin`
  );
}

type AddRow = (measure: string, result: string, goal?: string, met?: boolean | null) => void;

/** Issue 22's goal: sign in, find by id, read today's counts and the chart, assign the oldest. */
function dispatcherTaskRow(task: DispatcherTaskRecord, row: AddRow): void {
  const steps = task.stepsP50Ms;
  row(
    `Dispatcher task in Chromium at ${task.width} px (${task.runs} runs, ${task.deliveries.toLocaleString('en')} deliveries): ` +
      "sign in, read today's counts and the 30-day chart, find one by its pasted id, back, " +
      'assign the oldest unassigned to the least-loaded admin',
    `p50 ${ms(task.p50Ms)}, max ${ms(task.maxMs)} from submitting sign-in to the confirmation ` +
      `(p50 landed ${ms(steps.landed)}, found ${ms(steps.found)}, back ${ms(steps.back)}); ` +
      `${task.clicks + task.typedFields} actions (${task.clicks} clicks, ${task.typedFields} typed fields)` +
      `; with a person's pointing and reading (KLM estimate) about ${ms(task.p50Ms + task.personEstimateMs)}`,
    `every run < ${task.goalMs / 1000} s`,
    task.maxMs < task.goalMs,
  );
}

const cpuTotal = (cpu: Record<string, number>, roles: readonly string[]) =>
  roles.reduce((sum, role) => sum + (cpu[role] ?? 0), 0);

/** `api 30.1, worker 90.2, temporal 110.0, postgres 60.3 (total 290.6 ms)`, the generator aside. */
export function cpuCell(cpu: Record<string, number>): string {
  const roles = ['api', 'worker', 'temporal', 'postgres'].filter((r) => (cpu[r] ?? 0) >= 0.05);
  const parts = roles.map((r) => `${r} ${cpu[r]!.toFixed(1)}`);
  return `${parts.join(', ')} (total ${cpuTotal(cpu, roles).toFixed(1)} ms; load generator ${(cpu['load'] ?? 0).toFixed(1)} ms)`;
}

/** `2/s held, 4/s held, 6/s failed (p99 612.0 ms)`: the steps of a rising-rate search. */
export function stepsCell(steps: readonly CapacityStep[]): string {
  return steps
    .map((s) => {
      if (s.held) return `${s.rate}/s held`;
      const not2xx = Object.entries(s.statuses)
        .filter(([status]) => !status.startsWith('2'))
        .reduce((sum, [, n]) => sum + n, 0);
      const why = [
        s.calls.p99 > 500 ? `p99 ${ms(s.calls.p99)}` : '',
        not2xx > 0 ? `${not2xx} not 2xx` : '',
        s.finished < s.lifecycles ? `${s.lifecycles - s.finished} unfinished` : '',
      ].filter(Boolean);
      return `${s.rate}/s failed (${why.join(', ')})`;
    })
    .join(', ');
}

/** The capacity phase: lifecycles per second for both targets, their ratio, CPU, overload. */
export function capacityRows(capacity: CapacityRecord, row: AddRow): void {
  const stackLabel = capacity.stack === 'dev' ? 'dev stack' : 'production shape';
  const targets = [
    ['bare engine (start + 3 no-op updates, no-op worker process)', capacity.bare],
    ['platform (API and worker processes)', capacity.platform],
  ] as const;
  for (const [label, target] of targets) {
    row(
      `Lifecycles/s at the service level, ${label}, ${stackLabel}`,
      `${target.capacity}/s: ${stepsCell(target.steps)}`,
    );
  }
  const ratio = capacity.platform.capacity / capacity.bare.capacity;
  row(
    'Platform / bare engine lifecycles per second',
    Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—',
    '≥ 0.6×',
    ratio >= 0.6,
  );
  for (const [label, target] of targets) {
    const atCapacity = target.steps.find((s) => s.rate === target.capacity);
    if (!atCapacity) continue;
    row(
      `CPU per lifecycle at ${target.capacity}/s by process, ${label.split(' (')[0]}`,
      cpuCell(atCapacity.cpuMsPerLifecycle),
    );
    const p = target.perLifecycle;
    if (p) {
      row(
        `Per lifecycle, ${label.split(' (')[0]} (mean of ${p.samples} histories)`,
        `${p.events.toFixed(1)} history events, ${p.workflowTasks.toFixed(1)} workflow tasks, ` +
          `${p.activityTasks.toFixed(1)} activity tasks, ${p.localActivities.toFixed(1)} local activities`,
      );
    }
  }
  const platformAtCapacity = capacity.platform.steps.find(
    (s) => s.rate === capacity.platform.capacity,
  );
  if (platformAtCapacity) {
    const appCpu = cpuTotal(platformAtCapacity.cpuMsPerLifecycle, ['api', 'worker']);
    const production = capacity.stack === 'production';
    row(
      'API + worker CPU per lifecycle',
      `${appCpu.toFixed(1)} ms`,
      production ? '≤ 50 ms' : '≤ 50 ms in the production shape',
      production ? appCpu <= 50 : null,
    );
  }
  if (capacity.overload) overloadRows(capacity.overload, capacity.platform.capacity, row);
}

function overloadRows(o: OverloadRecord, capacity: number, row: AddRow): void {
  const lost = o.createsAccepted - o.finished;
  const times = capacity > 0 ? `${(o.rate / capacity).toFixed(1)}× the capacity` : 'no rate held';
  row(
    `Overload: ${o.rate}/s offered for ${o.seconds} s (${times}), answers`,
    `${JSON.stringify(o.statuses)}; every answer within ${ms(o.all.max)}`,
    'every answer within 1 s',
    o.all.max <= 1000,
  );
  row(
    'Overload: refused (503/429) answers',
    (o.refused ? `max ${ms(o.refused.max)}, p99 ${ms(o.refused.p99)}` : 'none refused') +
      (o.loadLagMs
        ? ` (the load generator's event loop delayed p99 ${ms(o.loadLagMs.p99)}, max ${ms(o.loadLagMs.max)})`
        : '') +
      (o.refusedInApi
        ? `; in the API process ${o.refusedInApi.within100ms} of ${o.refusedInApi.total} within 100 ms`
        : ''),
    'within 100 ms',
    o.refused === null || o.refused.max <= 100,
  );
  row(
    'Overload: accepted answers',
    o.accepted ? latency(o.accepted) : 'none accepted',
    'p99 ≤ 500 ms',
    o.accepted !== null && o.accepted.p99 <= 500,
  );
  row(
    'Overload: lifecycles whose create was accepted, finished (changes retried after Retry-After)',
    `${o.finished} of ${o.createsAccepted} (${o.lifecycles} offered)`,
    'nothing lost',
    lost === 0,
  );
}

const metCell = (m: boolean | null) => (m === null ? '' : m ? 'met' : '**not met**');

export function summaryTable(run: BenchRun): string[] {
  return [
    '| Measure | Result | Goal | Met |',
    '| --- | --- | --- | --- |',
    ...summaryRows(run).map(
      (r) => `| ${r.measure} | ${r.result} | ${r.goal} | ${metCell(r.met)} |`,
    ),
  ];
}

export function commitLabel(commit: BenchRun['commit']): string {
  if (commit === null) return 'unknown (not a git checkout)';
  if (commit.uncommitted.length === 0) return commit.hash;
  return `${commit.hash} + uncommitted (${commit.uncommitted.join(', ')})`;
}

export function machineLabel(machine: BenchRun['machine']): string {
  return (
    `${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB, ` +
    `${machine.os}, Node ${machine.node}`
  );
}

/** `2026-11-26T19:25:03.123Z` → `2026-11-26 19:25 UTC`. */
export const utcMinute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The full record: `bench/results/latest.md`. */
/** Which Temporal the run measured. */
function engineLabel(run: BenchRun): string {
  return run.options['temporalCluster']
    ? "Temporal's server as a cluster (frontend, history, matching, worker) on that PostgreSQL"
    : 'Temporal dev server';
}

export function renderLatest(run: BenchRun): string {
  const { machine } = run;
  const lines = [
    '# Delivery API benchmark (`npm run bench`)',
    '',
    'Written by `npm run bench` (`bench/report.ts`) from `latest.json`; not edited by hand.',
    '',
    `- Date: ${run.startedAt} to ${run.endedAt} (UTC)`,
    `- Commit: ${commitLabel(run.commit)}`,
    `- Machine: ${machineLabel(machine)}`,
    `- Load average (1 min): ${machine.loadAverage.start.toFixed(2)} at the start, ` +
      `${machine.loadAverage.end.toFixed(2)} at the end (other work on the machine skews every number)`,
    `- One stack: embedded PostgreSQL, ${engineLabel(run)}, API and load in one Node process, ` +
      `the worker in its own (no process niced); the capacity phase runs the API as its own ` +
      `process too, on ${run.capacity?.stack === 'production' ? 'a Temporal cluster over PostgreSQL (the production shape)' : 'the same dev server'}`,
    `- Options: ${JSON.stringify(run.options)}`,
    '',
    ...summaryTable(run),
    '',
    '## CPU per phase',
    '',
    'Cores each program kept busy while the phase ran.',
    '',
    '| Phase | Cores |',
    '| --- | --- |',
    `| Bare start | ${run.bareStart.cores} |`,
    `| Create | ${run.create.cores} |`,
    `| Drain (until the backlog count read empty) | ${run.drain.cores} |`,
    `| Change (re-assign) | ${run.change.cores} |`,
    `| Bare update | ${run.bareUpdate.cores} |`,
    ...(run.tracking
      ? [
          `| Tracking fan-out (${run.tracking.streams.count} pages) | ${run.tracking.streams.cores} |`,
        ]
      : []),
    ...(run.capacity ? capacityCpuLines(run.capacity) : []),
  ];
  if (run.lists && run.lists.results.length > 0) {
    lines.push('', '## Lists', '', '| Scope | Filter | p50 | p99 | max | Page rows |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    for (const r of run.lists.results) {
      lines.push(
        `| ${r.scope} | ${r.filter} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.pageRows} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** CPU ms per lifecycle of every capacity step, for the full record. */
function capacityCpuLines(capacity: CapacityRecord): string[] {
  const lines = [
    '',
    '## Capacity steps',
    '',
    'CPU ms per lifecycle by process at each offered rate (open loop).',
    '',
    '| Target | Rate | Held | Calls | Statuses | Finished | CPU per lifecycle |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [label, target] of [
    ['bare', capacity.bare],
    ['platform', capacity.platform],
  ] as const) {
    for (const s of target.steps) {
      lines.push(
        `| ${label} | ${s.rate}/s | ${s.held ? 'yes' : 'no'} | ${latency(s.calls)} | ` +
          `${JSON.stringify(s.statuses)} | ${s.finished}/${s.lifecycles} | ${cpuCell(s.cpuMsPerLifecycle)} |`,
      );
    }
  }
  if (capacity.overload) {
    const o = capacity.overload;
    lines.push(
      `| platform, overload | ${o.rate}/s | — | ${latency(o.all)} | ${JSON.stringify(o.statuses)} | ` +
        `${o.finished}/${o.createsAccepted} accepted | ${cpuCell(o.cpuMsPerLifecycle)} |`,
    );
  }
  return lines;
}

/** What goes between the markers of `docs/performance.md`. */
export function renderPerformanceTable(run: BenchRun): string {
  const more = run.lists ? 'every list filter and the CPU per phase are' : 'the CPU per phase is';
  const stack =
    'the dev stack (embedded PostgreSQL, the Temporal dev server)' +
    (run.capacity?.stack === 'production'
      ? ', its capacity phase on the production shape (API and worker processes on a Temporal cluster over PostgreSQL)'
      : '');
  return [
    `The last run of \`npm run bench\` on ${stack}, ${utcMinute(run.startedAt)}, commit ` +
      `${commitLabel(run.commit)}, on ${machineLabel(run.machine)}, load average ` +
      `${run.machine.loadAverage.start.toFixed(2)} at the start, options ` +
      `\`${JSON.stringify(run.options)}\`. Written by the benchmark from ` +
      `[\`bench/results/latest.json\`](../bench/results/latest.json); ${more} in ` +
      '[`bench/results/latest.md`](../bench/results/latest.md).',
    '',
    ...summaryTable(run),
  ].join('\n');
}

/** `doc` with whatever stood between the two markers replaced by `body`; the markers stay. */
export function replaceBetweenMarkers(doc: string, body: string): string {
  const begin = doc.indexOf(MARKER_BEGIN);
  const end = doc.indexOf(MARKER_END);
  if (begin < 0 || end < 0 || end < begin) {
    throw new Error(`expected ${MARKER_BEGIN} followed by ${MARKER_END}`);
  }
  if (doc.indexOf(MARKER_BEGIN, begin + 1) >= 0 || doc.indexOf(MARKER_END, end + 1) >= 0) {
    throw new Error(`expected one ${MARKER_BEGIN} and one ${MARKER_END}`);
  }
  const head = doc.slice(0, begin + MARKER_BEGIN.length);
  return `${head}\n\n${body.trim()}\n\n${doc.slice(end)}`;
}

export interface RecordPaths {
  /** Directory of `latest.json` and `latest.md`. */
  resultsDir: string;
  /** The document whose marked table is rewritten. */
  performanceDoc: string;
}

export const DEFAULT_PATHS: RecordPaths = {
  resultsDir: path.join(__dirname, 'results'),
  performanceDoc: path.join(__dirname, '..', 'docs', 'performance.md'),
};

/** Writes the run's three records; returns the files written. */
export async function writeRecords(run: BenchRun, paths = DEFAULT_PATHS): Promise<string[]> {
  // Read first, so a document without its markers stops the writer before any record changes.
  const doc = replaceBetweenMarkers(
    await readFile(paths.performanceDoc, 'utf8'),
    renderPerformanceTable(run),
  );
  await mkdir(paths.resultsDir, { recursive: true });
  const json = path.join(paths.resultsDir, 'latest.json');
  const md = path.join(paths.resultsDir, 'latest.md');
  // Formatted as the repository's `prettier --check .` expects it.
  const options = { ...(await resolveConfig(json)), filepath: json };
  await writeFile(json, await format(JSON.stringify(run), options));
  await writeFile(md, renderLatest(run));
  await writeFile(paths.performanceDoc, doc);
  return [json, md, paths.performanceDoc];
}
