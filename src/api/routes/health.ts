import { Type } from '@sinclair/typebox';
import { unavailable } from '../../domain/errors';
import { Problem } from '../../schemas/common';
import { within, withinTemporalDeadline } from '../../temporal/deadline';
import type { AppDeps } from '../deps';
import { defineRoute } from '../route';

const Health = Type.Object({
  status: Type.String(),
  checks: Type.Record(Type.String(), Type.String()),
});

/**
 * Whether any worker polled the delivery task queue lately. Reported, not a 503: creates and
 * reads work without a worker (the runs catch up when one returns), so taking the API out of the
 * load balancer would turn a worker deploy into an outage.
 */
async function workerPolling(deps: AppDeps): Promise<'ok' | 'none'> {
  const { pollers } = await deps.temporal.workflowService.describeTaskQueue({
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: { name: deps.config.TEMPORAL_TASK_QUEUE },
  });
  return (pollers ?? []).length > 0 ? 'ok' : 'none';
}

/**
 * What the probe waits for each dependency: its answer must leave within the 2 s a probe allows,
 * even with Temporal killed or its port black-holed.
 */
const READY_CHECK_MS = 1500;

/** `ok` when the check answered in time, `down` otherwise. */
const outcome = (check: Promise<unknown>) =>
  check.then(
    () => 'ok' as const,
    () => 'down' as const,
  );

/** Whether Temporal answers, and whether a worker polls (`unknown` when that call failed). */
async function temporalChecks(deps: AppDeps) {
  const temporalCheck = <T>(call: () => Promise<T>) =>
    withinTemporalDeadline(deps.temporal, READY_CHECK_MS, call);
  const [temporal, worker] = await Promise.all([
    outcome(temporalCheck(() => deps.temporal.workflowService.getSystemInfo({}))),
    temporalCheck(() => workerPolling(deps)).catch(() => 'unknown' as const),
  ]);
  return { temporal, worker };
}

/**
 * Load balancers probe every second from several places: concurrent callers share the round in
 * flight, and its answer serves for `ms` after it settled. `load` must not reject.
 */
function sharedFor<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  let freshUntil = 0;
  return () => {
    if (current && Date.now() < freshUntil) return current;
    freshUntil = Infinity;
    current = load();
    const settle = () => {
      freshUntil = Date.now() + ms;
    };
    current.then(settle, settle);
    return current;
  };
}

export function healthRoutes(deps: AppDeps) {
  const temporalReadiness = sharedFor(deps.config.READY_CACHE_MS, () => temporalChecks(deps));
  return [
    defineRoute({
      method: 'get',
      path: '/metrics',
      root: true,
      summary: 'Prometheus metrics of this API process (text exposition format)',
      tag: 'health',
      access: { public: true },
      responses: { 200: { description: 'Metrics', contentType: 'text/plain' } },
      handle: async () => ({
        status: 200,
        body: await deps.metrics.registry.metrics(),
        headers: { 'Content-Type': deps.metrics.registry.contentType },
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/healthz',
      root: true,
      summary: 'Liveness: the process is up',
      tag: 'health',
      access: { public: true },
      responses: { 200: { description: 'Alive', schema: Health } },
      handle: async () => ({ status: 200, body: { status: 'ok', checks: {} } }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      root: true,
      summary:
        'Readiness: the database and Temporal answer within 1.5 s (whether a worker polls is reported, not required)',
      tag: 'health',
      access: { public: true },
      responses: {
        200: { description: 'Ready', schema: Health },
        503: {
          description: 'A dependency is unreachable, or the process is shutting down',
          schema: Problem,
        },
      },
      handle: async () => {
        if (deps.drain.isDraining) throw unavailable('Not ready: shutting down.', 1);
        const [database, { temporal, worker }] = await Promise.all([
          outcome(within(READY_CHECK_MS, async () => deps.db.raw('select 1'))),
          temporalReadiness(),
        ]);
        if (database !== 'ok' || temporal !== 'ok') {
          throw unavailable(`Not ready: database ${database}, temporal ${temporal}.`);
        }
        const status = worker === 'ok' ? 'ok' : 'degraded';
        return { status: 200, body: { status, checks: { database, temporal, worker } } };
      },
    }),
  ];
}
