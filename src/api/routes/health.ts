import { Type } from '@sinclair/typebox';
import { unavailable } from '../../domain/errors';
import { Problem } from '../../schemas/common';
import type { AppDeps } from '../deps';
import { defineRoute } from '../route';

const Health = Type.Object({
  status: Type.String(),
  checks: Type.Record(Type.String(), Type.String()),
});

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: AppDeps) {
  return [
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
      summary: 'Readiness: the database and Temporal are reachable',
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
        const checks = await Promise.allSettled([
          withTimeout(deps.db.raw('select 1'), 2000),
          // A gRPC deadline, not just a race: the call must end, or its retries outlive the probe.
          deps.temporal.connection.withDeadline(Date.now() + 2000, () =>
            deps.temporal.workflowService.getSystemInfo({}),
          ),
        ]);
        const [database, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'down'));
        if (database !== 'ok' || temporal !== 'ok') {
          throw unavailable(`Not ready: database ${database}, temporal ${temporal}.`);
        }
        return { status: 200, body: { status: 'ok', checks: { database, temporal } } };
      },
    }),
  ];
}
