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

export function healthRoutes(deps: AppDeps) {
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
        const temporalCheck = <T>(call: () => Promise<T>) =>
          withinTemporalDeadline(deps.temporal, READY_CHECK_MS, call);
        const [db, server, pollers] = await Promise.allSettled([
          within(READY_CHECK_MS, async () => deps.db.raw('select 1')),
          temporalCheck(() => deps.temporal.workflowService.getSystemInfo({})),
          temporalCheck(() => workerPolling(deps)),
        ]);
        const [database, temporal] = [db, server].map((c) =>
          c.status === 'fulfilled' ? 'ok' : 'down',
        );
        if (database !== 'ok' || temporal !== 'ok') {
          throw unavailable(`Not ready: database ${database}, temporal ${temporal}.`);
        }
        const worker = pollers.status === 'fulfilled' ? pollers.value : 'unknown';
        const status = worker === 'ok' ? 'ok' : 'degraded';
        return { status: 200, body: { status, checks: { database, temporal, worker } } };
      },
    }),
  ];
}
