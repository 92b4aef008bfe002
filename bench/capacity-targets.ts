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
import { connectDeliveryClient } from '../src/composition/api';
import { ensureSearchAttributes } from '../src/temporal/connect';
import { startClusterInfra } from '../test/resilience/cluster-infra';
import { spawnEntryPoint } from '../test/support/entry-points';
import { freePort } from '../test/support/free-port';
import { waitForReady } from '../test/support/platform-http';
import { startStack, stopStack, type TestStack } from '../test/support/stack';
import { createUserWithToken } from '../test/support/users';
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
import { capacityRows, type CapacityRecord, type OverloadRecord } from './report';
import { backlogEmpty, postTo, startWorkerOn, type Post } from './platform-client';
import { intOption } from './support';
import { LIFECYCLE_UPDATES, noopLifecycleWorkflow, noopUpdate } from './workflows/noop';

/** Lifecycles per second offered in turn, until one fails. */
export const CAPACITY_RATES = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 18, 20, 24, 28, 32, 40,
] as const;

interface Token {
  token: string;
  user: { id: string };
}

export interface CapacityBench {
  stack: TestStack;
  superAdmin: Token;
  /** The delivery worker's process. */
  workerPid: number | null;
  /** Seconds each rate is offered. */
  seconds: number;
  /** Offered in the overload phase instead of twice the capacity (0: twice the capacity). */
  overloadRate?: number;
  /** The highest rate the ladders offer (0: every rate until one fails). */
  maxRate?: number;
  /** The Temporal server both targets run on; by default the stack's dev server. */
  engine?: Engine;
}

/** A Temporal server and a client of it. */
export interface Engine {
  stack: CapacityRecord['stack'];
  address: string;
  client: Client;
}

interface Users {
  partners: Token[];
  superAdmins: Token[];
  admins: Token[];
}

const newDelivery = () => ({
  product_name: `Capacity ${randomUUID()}`,
  delivery_address: '1 Benchmark Road',
  delivery_date: '2099-01-01',
});

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

function platformDriver(client: Client, users: Users, post: Post, retry: boolean): LifecycleDriver {
  const { partners, superAdmins, admins } = users;
  return async (i, timed) => {
    let delivery: Delivery | null = null;
    const created = await timed('create', async () => {
      const partner = partners[i % partners.length]!;
      const answer = await post('/deliveries', partner.token, newDelivery());
      delivery = answer.body as Delivery;
      return answer;
    });
    if (!ok(created) || !delivery) return { workflowId: null, finished: false };
    const { id, workflow_id: workflowId }: Delivery = delivery;
    const admin = admins[i % admins.length]!;
    const superAdmin = superAdmins[i % superAdmins.length]!;
    // Keys make a retried change safe, as a client retrying after Retry-After would send them.
    const key = (step: string) => ({ 'idempotency-key': `${workflowId}-${step}` });
    const changes = [
      () =>
        post(`/deliveries/${id}/assign`, superAdmin.token, { admin_id: admin.user.id }, key('a')),
      () => post(`/deliveries/${id}/status`, admin.token, { status: 'IN_TRANSIT' }, key('t')),
      () => post(`/deliveries/${id}/status`, admin.token, { status: 'COMPLETED' }, key('c')),
    ];
    const changed = await thenChanges(timed, changes, retry);
    return { workflowId, finished: changed && (await closedInTime(client, workflowId)) };
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

/**
 * The refusals (503, 429) the API process has timed so far, and how many within 100 ms: its
 * request histogram (`/metrics`), from the request read to the answer built.
 */
async function apiRefusals(base: string): Promise<{ within100ms: number; total: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts = { within100ms: 0, total: 0 };
  for (const line of text.split('\n')) {
    const bucket = /^http_request_duration_seconds_bucket\{(.*)\} (\d+)$/.exec(line);
    if (!bucket || !/status="(503|429)"/.test(bucket[1]!)) continue;
    if (bucket[1]!.includes('le="0.1"')) counts.within100ms += Number(bucket[2]);
    if (bucket[1]!.includes('le="+Inf"')) counts.total += Number(bucket[2]);
  }
  return counts;
}

/** The API entry point as its own process on a free port. */
async function startApiProcess(temporalAddress: string) {
  const port = await freePort();
  const api = spawnEntryPoint('src/server.ts', {
    PORT: String(port),
    HOST: '127.0.0.1',
    TEMPORAL_ADDRESS: temporalAddress,
  });
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
  const { taskQueue } = bench.stack;
  const engine: Engine = bench.engine ?? {
    stack: 'dev',
    address: bench.stack.temporalAddress,
    client: bench.stack.client,
  };
  const { client, address: temporalAddress } = engine;
  // Several of each, as in production: no one caller's share or request limit is what is measured
  // (with one super admin making every assignment, its share of the change lane failed steps).
  const team = (role: 'partner' | 'admin' | 'super_admin', count = 4) =>
    Promise.all(Array.from({ length: count }, () => createUserWithToken({ role })));
  const [partners, admins, moreSuperAdmins] = await Promise.all([
    team('partner'),
    team('admin'),
    team('super_admin', 3),
  ]);
  const users: Users = { partners, superAdmins: [bench.superAdmin, ...moreSuperAdmins], admins };
  const rates = CAPACITY_RATES.filter((rate) => !bench.maxRate || rate <= bench.maxRate);
  const api = await startApiProcess(temporalAddress);
  try {
    const bareQueue = `bench-capacity-${randomUUID().slice(0, 8)}`;
    const noop = await startNoopWorker(temporalAddress, bareQueue);
    let bare;
    try {
      // The platform's API process idles meanwhile: not the bare engine's CPU.
      const roles: ProcessRoles = { api: null, worker: noop.pid };
      bare = await risingRates('bare', client, bareDriver(client, bareQueue), roles, {
        rates,
        seconds: bench.seconds,
        settle: () => backlogEmpty(client, bareQueue),
      });
    } finally {
      await noop.stop();
    }
    const roles: ProcessRoles = { api: api.pid, worker: bench.workerPid };
    const post = postTo(api.base);
    const settle = () => backlogEmpty(client, taskQueue);
    const platform = await risingRates(
      'platform',
      client,
      platformDriver(client, users, post, false),
      roles,
      { rates, seconds: bench.seconds, settle },
    );
    const twice = bench.overloadRate || platform.capacity * 2;
    let overloaded: OverloadRecord | null = null;
    if (twice > 0) {
      const before = await apiRefusals(api.base);
      const record = await overload(
        twice,
        bench.seconds,
        platformDriver(client, users, post, true),
        roles,
      );
      const after = await apiRefusals(api.base);
      overloaded = {
        ...record,
        refusedInApi: {
          within100ms: after.within100ms - before.within100ms,
          total: after.total - before.total,
        },
      };
    }
    await settle();
    return { stack: engine.stack, seconds: bench.seconds, bare, platform, overload: overloaded };
  } finally {
    await api.stop();
  }
}

/** The production shape's engine: a Temporal cluster on PostgreSQL (`cluster-infra.ts`). */
export async function productionEngine(
  stack: TestStack,
): Promise<Engine & { close(): Promise<void> }> {
  const infra = await startClusterInfra();
  const client = await connectDeliveryClient(stack.config, infra.temporalAddress);
  await ensureSearchAttributes(client);
  return {
    stack: 'production',
    address: infra.temporalAddress,
    client,
    close: async () => {
      await client.connection.close();
      await infra.close();
    },
  };
}

/**
 * Alone: `npx tsx bench/capacity-targets.ts`, printing its rows; BENCH_CAPACITY_SECONDS (15),
 * BENCH_OVERLOAD_RATE (0: twice the platform's capacity) to offer a rate of one's choosing,
 * BENCH_CAPACITY_MAX_RATE (0) to stop both ladders at that rate (with an overload rate, a quick
 * look at the overload phase alone), and BENCH_CAPACITY_PRODUCTION=1 to run both targets on a
 * Temporal cluster over PostgreSQL (the resilience suite's) instead of the dev server; the read
 * model stays on the embedded PostgreSQL.
 */
async function main(): Promise<void> {
  const stack = await startStack({ inProcessWorker: false });
  const production =
    intOption('BENCH_CAPACITY_PRODUCTION', 0) === 1 ? await productionEngine(stack) : null;
  const address = production?.address ?? stack.temporalAddress;
  const worker = await startWorkerOn(production?.client ?? stack.client, stack.taskQueue, {
    TEMPORAL_ADDRESS: address,
  });
  try {
    const record = await benchCapacity({
      stack,
      superAdmin: await createUserWithToken({ role: 'super_admin' }),
      workerPid: worker.pid,
      seconds: intOption('BENCH_CAPACITY_SECONDS', 15),
      overloadRate: intOption('BENCH_OVERLOAD_RATE', 0),
      maxRate: intOption('BENCH_CAPACITY_MAX_RATE', 0),
      ...(production ? { engine: production } : {}),
    });
    const rows: string[] = [];
    capacityRows(record, (measure, result, goal = '—', met = null) =>
      rows.push(
        `| ${measure} | ${result} | ${goal} | ${met === null ? '' : met ? 'met' : 'NOT MET'} |`,
      ),
    );
    console.log(
      ['', '| Measure | Result | Goal | Met |', '| --- | --- | --- | --- |', ...rows].join('\n'),
    );
    console.log(JSON.stringify(record));
  } finally {
    await worker.stop();
    await production?.close();
    await stopStack();
  }
}

if (require.main === module) {
  // Everything it started is stopped by then; a handle left open must not keep the script alive.
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
