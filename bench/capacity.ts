/**
 * Capacity at a service level, open loop (issue 18): whole lifecycles (create, assign,
 * IN_TRANSIT, COMPLETED) start on a fixed schedule, each next call 300 ms after the previous
 * answer, whatever the answers before took. A rate holds when every call answered 2xx with a p99
 * ≤ 500 ms and every lifecycle's run closed; rates rise until one fails. The same runner drives
 * the bare engine (start + three no-op updates, a no-op worker in its own process) and the
 * platform (its API and worker processes), on the same server; it reads each process's CPU from
 * /proc, and the history of sampled lifecycles for their events and tasks. Past capacity it
 * offers twice the platform's rate with clients that retry a refused change after Retry-After,
 * and checks the refusals were fast and nothing accepted was lost.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { within } from '../src/temporal/deadline';
import { descendantsOf } from '../test/support/process-tree';
import type { CapacityRecord, CapacityStep, CapacityTarget, OverloadRecord } from './report';
import { recordStats } from './report';
import { countBy, processCpu, sleep, statsOf } from './support';

const { EventType } = temporal.api.enums.v1;

/** The think time between one call's answer and the lifecycle's next call. */
export const THINK_MS = 300;
/** A rate holds when the p99 of every call stays within this. */
export const SERVICE_P99_MS = 500;
/** How long after its last call a lifecycle's run may take to close before it counts as lost. */
const CLOSE_WAIT_MS = 20_000;
/** Histories read per target at its capacity (events and tasks per lifecycle). */
const HISTORY_SAMPLES = 10;
/** How often the overload phase samples the load generator's own event-loop delay (ms). */
const LAG_RESOLUTION_MS = 10;
/** Tries of one refused change in the overload phase before the lifecycle gives up. */
const OVERLOAD_TRIES = 30;

export interface CallAnswer {
  status: number;
  /** Seconds from Retry-After, on a refusal that carried one. */
  retryAfterSeconds: number | null;
}

export type Lane = 'create' | 'change';

/** One answered call as the load generator saw it. */
interface CallOutcome {
  lane: Lane;
  status: number;
  ms: number;
}

export interface LifecycleOutcome {
  /** The run's workflow ID once its create was accepted; null when the create was refused. */
  workflowId: string | null;
  /** Every call was answered 2xx and the run closed. */
  finished: boolean;
}

/** Makes one call, timing it and keeping its answer. */
export type Timed = (lane: Lane, send: () => Promise<CallAnswer>) => Promise<CallAnswer>;

/** One lifecycle: its four calls through `timed`, then the wait for its run to close. */
export type LifecycleDriver = (i: number, timed: Timed) => Promise<LifecycleOutcome>;

/** The processes whose CPU is reported, by role; Temporal and PostgreSQL are found by name. */
export interface ProcessRoles {
  api: number | null;
  worker: number | null;
}

export const ok = (a: CallAnswer) => a.status >= 200 && a.status < 300;
export const refused = (a: CallAnswer) => a.status === 503 || a.status === 429;

/** CPU seconds so far per role: the API, the worker, Temporal, PostgreSQL, and this process. */
export function cpuByRole(roles: ProcessRoles): Record<string, number> {
  const totals: Record<string, number> = { api: 0, worker: 0, temporal: 0, postgres: 0, load: 0 };
  for (const pid of [process.pid, ...descendantsOf(process.pid)]) {
    // PostgreSQL's closed backends count too: the postmaster has reaped them.
    const cpu = processCpu(pid, true);
    if (!cpu) continue;
    const role =
      pid === process.pid
        ? 'load'
        : pid === roles.api
          ? 'api'
          : pid === roles.worker
            ? 'worker'
            : cpu.name.startsWith('temporal') // the dev server, or a cluster's temporal-server
              ? 'temporal'
              : cpu.name === 'postgres'
                ? 'postgres'
                : null;
    if (role) totals[role]! += cpu.seconds;
  }
  return totals;
}

/** CPU ms per lifecycle and role between two `cpuByRole` readings. */
function perLifecycle(
  before: Record<string, number>,
  after: Record<string, number>,
  lifecycles: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const role of Object.keys(after)) {
    out[role] = ((after[role]! - (before[role] ?? 0)) * 1000) / Math.max(1, lifecycles);
  }
  return out;
}

/** Sleeps until `at` (a performance.now() instant); returns at once when it has passed. */
const sleepUntil = (at: number) => sleep(Math.max(0, at - performance.now()));

export interface OpenLoopResult {
  calls: CallOutcome[];
  outcomes: LifecycleOutcome[];
  cpuMsPerLifecycle: Record<string, number>;
}

/** Starts `rate × seconds` lifecycles on a fixed schedule and waits until every one has ended. */
export async function openLoop(
  rate: number,
  seconds: number,
  drive: LifecycleDriver,
  roles: ProcessRoles,
): Promise<OpenLoopResult> {
  const calls: CallOutcome[] = [];
  const timed: Timed = async (lane, send) => {
    const started = performance.now();
    const answer = await send().catch(() => ({ status: 0, retryAfterSeconds: null }));
    calls.push({ lane, status: answer.status, ms: performance.now() - started });
    return answer;
  };
  const count = Math.max(1, Math.round(rate * seconds));
  const cpu = cpuByRole(roles);
  const start = performance.now();
  const running: Promise<LifecycleOutcome>[] = [];
  for (let i = 0; i < count; i++) {
    await sleepUntil(start + (i * 1000) / rate);
    running.push(drive(i, timed));
  }
  const outcomes = await Promise.all(running);
  return { calls, outcomes, cpuMsPerLifecycle: perLifecycle(cpu, cpuByRole(roles), count) };
}

/** The calls of a lifecycle after its create, each `THINK_MS` after the previous answer. */
export async function thenChanges(
  timed: Timed,
  changes: readonly (() => Promise<CallAnswer>)[],
  retryRefused: boolean,
): Promise<boolean> {
  for (const change of changes) {
    let answer: CallAnswer | null = null;
    for (let tries = 0; tries < (retryRefused ? OVERLOAD_TRIES : 1); tries++) {
      await sleep(answer?.retryAfterSeconds ? answer.retryAfterSeconds * 1000 : THINK_MS);
      answer = await timed('change', change);
      if (!refused(answer)) break;
    }
    if (!answer || !ok(answer)) return false;
  }
  return true;
}

/** Whether the run closed within the wait (its result, or its failure, arrived). */
export async function closedInTime(client: Client, workflowId: string): Promise<boolean> {
  return within(CLOSE_WAIT_MS, () => client.workflow.getHandle(workflowId).result()).then(
    () => true,
    () => false,
  );
}

/** A step's record, and whether the rate held. */
export function stepOf(rate: number, result: OpenLoopResult): CapacityStep {
  const { calls, outcomes } = result;
  const latency = statsOf(calls.map((c) => c.ms));
  const statuses = countBy(calls, (c) => String(c.status));
  const finished = outcomes.filter((o) => o.finished).length;
  const allOk = calls.every((c) => c.status >= 200 && c.status < 300);
  return {
    rate,
    lifecycles: outcomes.length,
    finished,
    calls: recordStats(latency),
    statuses,
    cpuMsPerLifecycle: result.cpuMsPerLifecycle,
    held: allOk && latency.p99 <= SERVICE_P99_MS && finished === outcomes.length,
  };
}

/** Events, workflow tasks, activity tasks and local activities per lifecycle (means). */
export async function historyCounts(
  client: Client,
  workflowIds: readonly string[],
): Promise<CapacityTarget['perLifecycle']> {
  if (workflowIds.length === 0) return null;
  const totals = { events: 0, workflowTasks: 0, activityTasks: 0, localActivities: 0 };
  for (const id of workflowIds) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const count = (type: number) => events.filter((e) => e.eventType === type).length;
    totals.events += events.length;
    totals.workflowTasks += count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    totals.activityTasks += count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    totals.localActivities += count(EventType.EVENT_TYPE_MARKER_RECORDED);
  }
  const mean = (total: number) => total / workflowIds.length;
  return {
    samples: workflowIds.length,
    events: mean(totals.events),
    workflowTasks: mean(totals.workflowTasks),
    activityTasks: mean(totals.activityTasks),
    localActivities: mean(totals.localActivities),
  };
}

const formatCpu = (cpu: Record<string, number>) =>
  Object.entries(cpu)
    .map(([role, value]) => `${role} ${value.toFixed(1)}`)
    .join(', ');

export interface RisingOptions {
  rates: readonly number[];
  seconds: number;
  /** Waits until the target is idle again between steps (its backlog worked off). */
  settle: () => Promise<unknown>;
}

/** Offers each rate in turn until one fails; the capacity is the last rate that held. */
export async function risingRates(
  label: string,
  client: Client,
  drive: LifecycleDriver,
  roles: ProcessRoles,
  options: RisingOptions,
): Promise<CapacityTarget> {
  const steps: CapacityStep[] = [];
  let sampled: string[] = [];
  for (const rate of options.rates) {
    const result = await openLoop(rate, options.seconds, drive, roles);
    const step = stepOf(rate, result);
    steps.push(step);
    console.log(
      `capacity ${label.padEnd(8)} ${rate}/s: ${step.held ? 'held' : 'FAILED'}; calls ` +
        `p50 ${step.calls.p50.toFixed(0)} ms p99 ${step.calls.p99.toFixed(0)} ms max ` +
        `${step.calls.max.toFixed(0)} ms, statuses ${JSON.stringify(step.statuses)}, finished ` +
        `${step.finished}/${step.lifecycles}; CPU ms per lifecycle: ${formatCpu(step.cpuMsPerLifecycle)}`,
    );
    await options.settle();
    if (!step.held) break;
    sampled = result.outcomes
      .filter((o) => o.finished && o.workflowId !== null)
      .slice(0, HISTORY_SAMPLES)
      .map((o) => o.workflowId!);
  }
  const held = steps.filter((s) => s.held);
  const capacity = held.at(-1)?.rate ?? 0;
  const perLifecycleCounts = await historyCounts(client, sampled);
  if (perLifecycleCounts) {
    const c = perLifecycleCounts;
    console.log(
      `capacity ${label.padEnd(8)} ${capacity}/s; per lifecycle: ${c.events.toFixed(1)} events, ` +
        `${c.workflowTasks.toFixed(1)} workflow tasks, ${c.activityTasks.toFixed(1)} activity ` +
        `tasks, ${c.localActivities.toFixed(1)} local activities`,
    );
  }
  return { steps, capacity, perLifecycle: perLifecycleCounts };
}

/** Twice the capacity, with clients that retry a refused change: fast refusals, nothing lost. */
export async function overload(
  rate: number,
  seconds: number,
  drive: LifecycleDriver,
  roles: ProcessRoles,
): Promise<OverloadRecord> {
  // The measuring process is on the same starved cores: its own delay is part of every timing.
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const result = await openLoop(rate, seconds, drive, roles);
  lag.disable();
  const { calls, outcomes } = result;
  const accepted = calls.filter((c) => c.status >= 200 && c.status < 300);
  const refusals = calls.filter((c) => c.status === 503 || c.status === 429);
  const all = statsOf(calls.map((c) => c.ms));
  // The histogram is in nanoseconds, each sample the whole interval: the delay is beyond it.
  const delayed = (ns: number) => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
  const loadLagMs = { p99: delayed(lag.percentile(99)), max: delayed(lag.max) };
  const record: OverloadRecord = {
    rate,
    seconds,
    lifecycles: outcomes.length,
    createsAccepted: outcomes.filter((o) => o.workflowId !== null).length,
    finished: outcomes.filter((o) => o.finished).length,
    statuses: countBy(calls, (c) => `${c.lane} ${c.status}`),
    all: recordStats(all),
    accepted: accepted.length > 0 ? recordStats(statsOf(accepted.map((c) => c.ms))) : null,
    refused: refusals.length > 0 ? recordStats(statsOf(refusals.map((c) => c.ms))) : null,
    cpuMsPerLifecycle: result.cpuMsPerLifecycle,
    loadLagMs,
  };
  console.log(
    `overload ${rate}/s: statuses ${JSON.stringify(record.statuses)}; every answer max ` +
      `${all.max.toFixed(0)} ms; accepted p99 ${record.accepted?.p99.toFixed(0) ?? '—'} ms; refused max ` +
      `${record.refused?.max.toFixed(0) ?? '—'} ms; load generator's loop delay p99 ` +
      `${loadLagMs.p99.toFixed(0)} ms max ${loadLagMs.max.toFixed(0)} ms; creates accepted ${record.createsAccepted}, ` +
      `finished ${record.finished}`,
  );
  return record;
}

export type { CapacityRecord };
