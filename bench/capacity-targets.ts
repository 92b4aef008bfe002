/**
 * The two targets of the capacity phase on one server, each in the production process layout:
 * the bare engine (its no-op worker in its own process, the calls from the load generator's
 * Temporal client) and the platform (the API entry point and the delivery worker, each its own
 * process, called over HTTP). No process runs at a different priority than in production.
 */
import type { Client } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Delivery } from '../src/schemas/deliveries';
import { spawnEntryPoint } from '../test/support/entry-points';
import { freePort } from '../test/support/free-port';
import { waitForReady } from '../test/support/platform-http';
import { waitFor } from '../test/support/wait-for';
import {
  closedInTime,
  ok,
  overload,
  risingRates,
  thenChanges,
  type CallAnswer,
  type LifecycleDriver,
  type ProcessRoles,
} from './capacity';
import type { CapacityRecord } from './report';
import { LIFECYCLE_UPDATES, noopLifecycleWorkflow, noopUpdate } from './workflows/noop';

/** Lifecycles per second offered in turn, until one fails. */
export const CAPACITY_RATES = [2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 24, 28, 32, 40] as const;

export type CapacityPost = (
  urlPath: string,
  token: string,
  body: unknown,
  headers?: Record<string, string>,
) => Promise<CallAnswer & { body: unknown }>;

interface Token {
  token: string;
  user: { id: string };
}

export interface CapacityBench {
  client: Client;
  temporalAddress: string;
  /** The delivery worker's task queue and its process. */
  taskQueue: string;
  workerPid: number | null;
  /** A POST to the API at `base` (the API process started here). */
  postTo: (base: string) => CapacityPost;
  users: { partner: Token; superAdmin: Token; admins: Token[] };
  newDelivery: (label: string) => unknown;
  /** Resolves once the task queue has had no workflow-task backlog for a moment. */
  backlogEmpty: (taskQueue: string) => Promise<unknown>;
  seconds: number;
}

const answered = (status: number) => (): CallAnswer => ({ status, retryAfterSeconds: null });

function bareDriver(client: Client, taskQueue: string): LifecycleDriver {
  return async (_, timed) => {
    const workflowId = `bench-capacity-${randomUUID()}`;
    const started = await timed('create', () =>
      client.workflow.start(noopLifecycleWorkflow, { taskQueue, workflowId }).then(answered(201)),
    );
    if (!ok(started)) return { workflowId: null, finished: false };
    const handle = client.workflow.getHandle(workflowId);
    const change = () => handle.executeUpdate(noopUpdate).then(answered(200));
    const changed = await thenChanges(timed, Array(LIFECYCLE_UPDATES).fill(change), false);
    return { workflowId, finished: changed && (await closedInTime(client, workflowId)) };
  };
}

function platformDriver(bench: CapacityBench, post: CapacityPost, retry: boolean): LifecycleDriver {
  const { partner, superAdmin, admins } = bench.users;
  return async (i, timed) => {
    let delivery: Delivery | null = null;
    const created = await timed('create', async () => {
      const answer = await post(
        '/deliveries',
        partner.token,
        bench.newDelivery(`capacity ${randomUUID()}`),
      );
      delivery = answer.body as Delivery;
      return answer;
    });
    if (!ok(created) || !delivery) return { workflowId: null, finished: false };
    const { id, workflow_id: workflowId }: Delivery = delivery;
    const admin = admins[i % admins.length]!;
    // Keys make a retried change safe, as a client retrying after Retry-After would send them.
    const key = (step: string) => ({ 'idempotency-key': `${workflowId}-${step}` });
    const changes = [
      () =>
        post(`/deliveries/${id}/assign`, superAdmin.token, { admin_id: admin.user.id }, key('a')),
      () => post(`/deliveries/${id}/status`, admin.token, { status: 'IN_TRANSIT' }, key('t')),
      () => post(`/deliveries/${id}/status`, admin.token, { status: 'COMPLETED' }, key('c')),
    ];
    const changed = await thenChanges(timed, changes, retry);
    return { workflowId, finished: changed && (await closedInTime(bench.client, workflowId)) };
  };
}

/** The bare engine's worker process (`bench/noop-worker.ts`); resolves once it polls. */
async function startNoopWorker(temporalAddress: string, taskQueue: string) {
  const child = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', path.join(__dirname, 'noop-worker.ts')],
    {
      env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, BENCH_NOOP_TASK_QUEUE: taskQueue },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise((resolve) => child.once('close', resolve));
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the no-op worker exited: ${output}`);
      return output.includes('ready\n') ? true : undefined;
    },
    'the no-op worker process',
    60_000,
  );
  return {
    pid: child.pid ?? null,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The API entry point as its own process on a free port. */
async function startApiProcess() {
  const port = await freePort();
  const api = spawnEntryPoint('src/server.ts', { PORT: String(port), HOST: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  await waitForReady(base, () => `the API process (${api.output()})`, {
    child: api.child,
    timeoutMs: 60_000,
  });
  return {
    base,
    pid: api.child.pid ?? null,
    stop: async () => {
      api.child.kill('SIGTERM');
      await api.exited;
    },
  };
}

/** Bare engine, then platform, rates rising; then the platform at twice its capacity. */
export async function benchCapacity(bench: CapacityBench): Promise<CapacityRecord> {
  const api = await startApiProcess();
  try {
    const bareQueue = `bench-capacity-${randomUUID().slice(0, 8)}`;
    const noop = await startNoopWorker(bench.temporalAddress, bareQueue);
    let bare;
    try {
      const roles: ProcessRoles = { api: api.pid, worker: noop.pid };
      bare = await risingRates('bare', bench.client, bareDriver(bench.client, bareQueue), roles, {
        rates: CAPACITY_RATES,
        seconds: bench.seconds,
        settle: () => bench.backlogEmpty(bareQueue),
      });
    } finally {
      await noop.stop();
    }
    const roles: ProcessRoles = { api: api.pid, worker: bench.workerPid };
    const post = bench.postTo(api.base);
    const settle = () => bench.backlogEmpty(bench.taskQueue);
    const platform = await risingRates(
      'platform',
      bench.client,
      platformDriver(bench, post, false),
      roles,
      { rates: CAPACITY_RATES, seconds: bench.seconds, settle },
    );
    const twice = platform.capacity * 2;
    const overloaded =
      twice > 0
        ? await overload(twice, bench.seconds, platformDriver(bench, post, true), roles)
        : null;
    await settle();
    return { stack: 'dev', seconds: bench.seconds, bare, platform, overload: overloaded };
  } finally {
    await api.stop();
  }
}
