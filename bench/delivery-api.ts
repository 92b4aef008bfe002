/**
 * `npm run bench`: the delivery platform measured against the engine it runs on, on one stack
 * (embedded PostgreSQL, one Temporal dev server: the test stack), the API served over HTTP on
 * 127.0.0.1 from this process, the delivery worker as its own process (the production entry
 * point), at the API's priority as in production. In order:
 *  1. bare start rate: `workflow.start` of a type nobody polls (the engine's ceiling here);
 *  2. create rate: POST /deliveries, compared with 1;
 *  3. drain time: until the worker has run the first task of every delivery created in 2;
 *  4. a change's round trip: re-assignments between two admins, next to a bare update of a
 *     no-op workflow (`bench/workflows/noop.ts`);
 *  5. history events per lifecycle (create → assign → IN_TRANSIT → COMPLETED);
 *  6. a duplicate storm: identical concurrent creates yield one delivery;
 *  7. capacity at a service level (`bench/capacity.ts`): whole lifecycles per second, open loop,
 *     rates rising until one fails, for the bare engine and the platform (its API as its own
 *     process), CPU per lifecycle by process, events and tasks per lifecycle; then twice the
 *     platform's capacity, which it must refuse fast and lose nothing of;
 *  8. the public tracking page once the worker is idle: its first paint, and 1,000 open pages
 *     on one delivery through a change (`bench/tracking.ts`);
 *  9. the dispatcher's task in Chromium (issue 22's goal): sign in, today's counts and the chart,
 *     find by id, assign the oldest unassigned, < 10 s (`bench/dispatcher-task.ts`);
 * 10. auto-dispatch (issue 20's goal): 1,000 deliveries in a burst in `auto` mode, 10 simulated
 *     admins of capacity 20 accepting 70% of offers after 1–5 s (`bench/dispatch.ts`);
 * 11. lists at 100,000 rows (`bench/lists.ts`).
 * Prints each phase as it goes; at the end `bench/report.ts` writes the run's records: the raw
 * numbers in bench/results/latest.json, and from them the table with each goal in
 * bench/results/latest.md and between the markers of docs/performance.md. Timing goals live
 * there, not in tests. Options (env): BENCH_STARTS (2000), BENCH_CONCURRENCY (32),
 * BENCH_CHANGES (1000), BENCH_CHANGE_DELIVERIES (100), BENCH_CHANGE_CONCURRENCY (16),
 * BENCH_LIFECYCLES (10), BENCH_DUPLICATES (200), BENCH_LIST_ROWS (100000; 0 skips the lists),
 * BENCH_LIST_REQUESTS (200), BENCH_CAPACITY (1; 0 skips the capacity phase),
 * BENCH_CAPACITY_SECONDS (15, per offered rate), BENCH_CAPACITY_PRODUCTION (0; 1 runs the
 * capacity phase on a Temporal cluster over PostgreSQL), BENCH_TRACKING (1; 0 skips the tracking
 * page), BENCH_TRACKING_REQUESTS (50), BENCH_TRACKING_STREAMS (1000), BENCH_DISPATCHER (1; 0 skips
 * the dispatcher task), BENCH_DISPATCHER_ROWS (1000), BENCH_DISPATCHER_RUNS (5),
 * BENCH_DISPATCHER_WIDTH (1280), BENCH_DISPATCH (1; 0 skips auto-dispatch),
 * BENCH_DISPATCH_DELIVERIES (1000), BENCH_DISPATCH_ADMINS (10), BENCH_DISPATCH_CAPACITY (20),
 * BENCH_DISPATCH_ACCEPT_PERCENT (70), BENCH_TEMPORAL_CLUSTER (0; 1
 * runs every phase on Temporal's server as a cluster on the stack's PostgreSQL, the production
 * shape, instead of the dev server).
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../src/api/listen';
import type { Delivery } from '../src/schemas/deliveries';
import { startStack, stopStack, type TestStack } from '../test/support/stack';
import { baseUrl } from '../test/support/base-url';
import { createUserWithToken } from '../test/support/users';
import { benchCapacity, productionEngine } from './capacity-targets';
import {
  backlogEmpty,
  postTo,
  startWorkerOn,
  startWorkerProcess,
  type Answer,
  type Post,
} from './platform-client';
import { benchLists } from './lists';
import { benchAutoDispatch } from './dispatch';
import { benchDispatcherTask } from './dispatcher-task';
import { benchTracking } from './tracking';
import {
  coresSince,
  countBy,
  cpuSeconds,
  formatStats,
  intOption,
  load,
  ownedKey,
  sleep,
  statsOf,
  type Load,
  type Stats,
} from './support';
import {
  describeAutoDispatch,
  ms,
  recordStats,
  renderLatest,
  writeRecords,
  type BenchRun,
  type LoadRecord,
} from './report';
import { noopUpdate, noopWorkflow } from './workflows/noop';

const OPTIONS = {
  starts: intOption('BENCH_STARTS', 2000),
  concurrency: intOption('BENCH_CONCURRENCY', 32),
  changes: intOption('BENCH_CHANGES', 1000),
  changeDeliveries: intOption('BENCH_CHANGE_DELIVERIES', 100),
  changeConcurrency: intOption('BENCH_CHANGE_CONCURRENCY', 16),
  lifecycles: intOption('BENCH_LIFECYCLES', 10),
  duplicates: intOption('BENCH_DUPLICATES', 200),
  listRows: intOption('BENCH_LIST_ROWS', 100_000),
  listRequests: intOption('BENCH_LIST_REQUESTS', 200),
  capacity: intOption('BENCH_CAPACITY', 1),
  capacitySeconds: intOption('BENCH_CAPACITY_SECONDS', 15),
  capacityProduction: intOption('BENCH_CAPACITY_PRODUCTION', 0),
  tracking: intOption('BENCH_TRACKING', 1),
  dispatcher: intOption('BENCH_DISPATCHER', 1),
  dispatcherRows: intOption('BENCH_DISPATCHER_ROWS', 1000),
  dispatcherRuns: intOption('BENCH_DISPATCHER_RUNS', 5),
  dispatcherWidth: intOption('BENCH_DISPATCHER_WIDTH', 1280),
  dispatch: intOption('BENCH_DISPATCH', 1),
  dispatchDeliveries: intOption('BENCH_DISPATCH_DELIVERIES', 1000),
  dispatchAdmins: intOption('BENCH_DISPATCH_ADMINS', 10),
  dispatchCapacity: intOption('BENCH_DISPATCH_CAPACITY', 20),
  dispatchAcceptPercent: intOption('BENCH_DISPATCH_ACCEPT_PERCENT', 70),
  trackingRequests: intOption('BENCH_TRACKING_REQUESTS', 50),
  trackingStreams: intOption('BENCH_TRACKING_STREAMS', 1000),
  temporalCluster: intOption('BENCH_TEMPORAL_CLUSTER', 0),
};
/** Calls before each timed load, so connections, JIT and caches are warm. */
const WARMUP = 64;
const RUN = randomUUID().slice(0, 8);
const { EventType } = temporal.api.enums.v1;

type BenchUser = Awaited<ReturnType<typeof createUserWithToken>>;

interface Bench {
  stack: TestStack;
  post: Post;
  superAdmin: BenchUser;
}

const latency = (s: Stats) => `p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}`;
const recordLoad = (l: Load<unknown>): LoadRecord => ({
  stats: recordStats(l.stats),
  cores: l.cores,
});

function deliveryFrom(answer: Answer, status: number): Delivery {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body as Delivery;
}

const newDelivery = (label: string) => ({
  product_name: `Bench ${label} ${RUN}`,
  delivery_address: `${label} Benchmark Road`,
  delivery_date: '2099-01-01',
});

/** When the run started, its first workflow task was picked up and completed (server clock). */
async function firstTask(client: Client, workflowId: string) {
  const at = (events: temporal.api.history.v1.IHistoryEvent[], type: number) =>
    tsToMs(events.find((e) => e.eventType === type)?.eventTime);
  for (;;) {
    const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    if (events.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)) {
      return {
        timedOut: events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
          .length,
        startedAt: tsToMs(events[0]!.eventTime),
        pickedAt: at(events, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED),
        doneAt: at(events, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
      };
    }
    await sleep(250);
  }
}

async function bareStarts(client: Client): Promise<BenchRun['bareStart']> {
  const taskQueue = `bench-unpolled-${RUN}`;
  const start = (i: number, phase: string) =>
    client.workflow.start('benchUnpolled', { taskQueue, workflowId: `bench-${phase}-${i}-${RUN}` });
  await load(WARMUP, OPTIONS.concurrency, (i) => start(i, 'warmup'));
  const bare = await load(OPTIONS.starts, OPTIONS.concurrency, (i) => start(i, 'bare'));
  console.log(`bare start      ${formatStats(bare.stats)}  cores: ${bare.cores}`);
  return recordLoad(bare);
}

/** Creates at full speed, then measures how long the worker needs to catch up. */
async function creates({ stack, post }: Bench): Promise<Pick<BenchRun, 'create' | 'drain'>> {
  const warmup = await createUserWithToken({ role: 'partner' });
  await load(WARMUP, OPTIONS.concurrency, (i) =>
    post('/deliveries', warmup.token, newDelivery(`warm-up ${i}`)),
  );
  await backlogEmpty(stack.client, stack.taskQueue);

  const partner = await createUserWithToken({ role: 'partner' });
  const created = await load(OPTIONS.starts, OPTIONS.concurrency, (i) =>
    post('/deliveries', partner.token, newDelivery(`${i}`)),
  );
  const statuses = countBy(created.values, (a) => String(a.status));
  console.log(
    `create          ${formatStats(created.stats)}  statuses ${JSON.stringify(statuses)}`,
  );
  console.log(`                cores: ${created.cores}`);

  const workflowIds = (await stack
    .db('deliveries')
    .where({ partner_id: partner.user.id })
    .pluck('workflow_id')) as string[];
  return {
    create: { ...recordLoad(created), statuses },
    drain: await drain(stack, workflowIds, created),
  };
}

/**
 * Drain time: from the end of the create load until the last created run has completed its first
 * workflow task. The task-queue backlog is only a hint that we are nearly there: it is approximate,
 * and a task the worker has picked up has left the backlog before the worker has finished it. So
 * once the backlog has looked empty for a few polls we read every run's history and take the time
 * of its first WorkflowTaskCompleted event (the server's clock, on this machine): exact, and not
 * blurred by how often we poll or how long reading the histories takes. (In our runs the count
 * read empty seconds after the last first task had completed: both are printed.)
 */
async function drain(
  stack: TestStack,
  workflowIds: string[],
  created: Load<Answer>,
): Promise<BenchRun['drain']> {
  const loadEnd = created.endedAt;
  const cpu = cpuSeconds();
  const backlogEmptyAt = await backlogEmpty(stack.client, stack.taskQueue);
  const cores = coresSince(cpu, Date.now() - loadEnd);
  const runs = await load(workflowIds.length, 16, (i) => firstTask(stack.client, workflowIds[i]!));
  const doneAt = runs.values.map((r) => r.doneAt);
  const drainMs = Math.max(0, Math.max(...doneAt) - loadEnd);
  const duringLoad = doneAt.filter((t) => t <= loadEnd).length;
  const endToEnd = (workflowIds.length / (created.wallMs + drainMs)) * 1000;
  const lag = statsOf(runs.values.map((r) => r.doneAt - r.startedAt));
  const queued = statsOf(runs.values.map((r) => r.pickedAt - r.startedAt));
  const ran = statsOf(runs.values.map((r) => r.doneAt - r.pickedAt));
  console.log(
    `drain           ${ms(drainMs)} after the load (the backlog count said empty after ` +
      `${ms(Math.max(0, backlogEmptyAt - loadEnd))}); first tasks done during the load: ` +
      `${duringLoad} of ${workflowIds.length}; created and first task done: ${endToEnd.toFixed(1)}/s`,
  );
  console.log(`                start → first task done: ${latency(lag)}, max ${ms(lag.max)}`);
  console.log(`                of which queued: ${latency(queued)}; running: ${latency(ran)}`);
  console.log(`                cores until the backlog count read empty: ${cores}`);
  return {
    ms: drainMs,
    backlogEmptyMs: Math.max(0, backlogEmptyAt - loadEnd),
    firstTasksDuringLoad: duringLoad,
    created: workflowIds.length,
    perSecond: endToEnd,
    startToFirstTask: recordStats(lag),
    queued: recordStats(queued),
    ran: recordStats(ran),
    taskTimeouts: runs.values.reduce((sum, r) => sum + r.timedOut, 0),
    cores,
  };
}

async function changes({ post, superAdmin }: Bench): Promise<BenchRun['change']> {
  const partner = await createUserWithToken({ role: 'partner' });
  const admins = await Promise.all([1, 2].map(() => createUserWithToken({ role: 'admin' })));
  const count = OPTIONS.changeDeliveries;
  const concurrency = OPTIONS.changeConcurrency;
  const made = await load(count, concurrency, (i) =>
    post('/deliveries', partner.token, newDelivery(`change ${i}`)),
  );
  const ids = made.values.map((a) => deliveryFrom(a, 201).id);
  const assign = (d: number, admin: BenchUser) =>
    post(`/deliveries/${ids[d]}/assign`, superAdmin.token, { admin_id: admin.user.id });
  // Every delivery goes to the second admin first, so each timed request is a re-assignment.
  const holder = ids.map(() => 1);
  await load(count, concurrency, async (d) => deliveryFrom(await assign(d, admins[1]!), 200));

  let wrong = 0;
  const timed = await load(OPTIONS.changes, concurrency, async (i) => {
    const d = ownedKey(i, concurrency, count);
    holder[d] = 1 - holder[d]!;
    const next = admins[holder[d]!]!;
    const answer = await assign(d, next);
    if (answer.status !== 200 || (answer.body as Delivery).assigned_to !== next.user.id) wrong++;
    return answer;
  });
  const statuses = countBy(timed.values, (a) => String(a.status));
  console.log(`re-assign       ${formatStats(timed.stats)}  statuses ${JSON.stringify(statuses)}`);
  console.log(`                cores: ${timed.cores}`);
  return { ...recordLoad(timed), statuses, wrongAnswers: wrong };
}

async function bareUpdates(stack: TestStack, changeP50: number): Promise<BenchRun['bareUpdate']> {
  const taskQueue = `bench-noop-${RUN}`;
  const connection = await NativeConnection.connect({ address: stack.temporalAddress });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./workflows/noop'),
  });
  const running = worker.run();
  try {
    const count = OPTIONS.changeDeliveries;
    const concurrency = OPTIONS.changeConcurrency;
    const handles = (
      await load(count, concurrency, (i) =>
        stack.client.workflow.start(noopWorkflow, { taskQueue, workflowId: `noop-${i}-${RUN}` }),
      )
    ).values;
    // One untimed update each, so every run has had its first task and sits in the worker's cache.
    await load(count, concurrency, (i) => handles[i]!.executeUpdate(noopUpdate));
    const timed = await load(OPTIONS.changes, concurrency, (i) =>
      handles[ownedKey(i, concurrency, count)]!.executeUpdate(noopUpdate),
    );
    const s = timed.stats;
    const ratio = changeP50 / s.p50;
    console.log(`bare update     ${formatStats(s)}  cores: ${timed.cores}`);
    console.log(`change p50 / bare update p50 = ${ratio.toFixed(2)}×`);
    return recordLoad(timed);
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

async function lifecycles({ stack, post, superAdmin }: Bench): Promise<BenchRun['lifecycle']> {
  const partner = await createUserWithToken({ role: 'partner' });
  const admin = await createUserWithToken({ role: 'admin' });
  const events: number[] = [];
  const apiMs: number[] = [];
  const closedMs: number[] = [];
  let firstHistory: Record<string, number> = {};
  for (let i = 0; i < OPTIONS.lifecycles; i++) {
    const start = performance.now();
    const created = await post('/deliveries', partner.token, newDelivery(`lifecycle ${i}`));
    const { id, workflow_id: workflowId } = deliveryFrom(created, 201);
    const change = (path: string, token: string, body: unknown) =>
      post(`/deliveries/${id}/${path}`, token, body).then((a) => deliveryFrom(a, 200));
    await change('assign', superAdmin.token, { admin_id: admin.user.id });
    await change('status', admin.token, { status: 'IN_TRANSIT' });
    await change('status', admin.token, { status: 'COMPLETED' });
    apiMs.push(performance.now() - start);
    const handle = stack.client.workflow.getHandle(workflowId);
    await handle.result();
    closedMs.push(performance.now() - start);
    const history = (await handle.fetchHistory()).events ?? [];
    events.push(history.length);
    if (i === 0) {
      firstHistory = countBy(history, (e) =>
        (EventType[e.eventType ?? 0] ?? '?').replace('EVENT_TYPE_', ''),
      );
      console.log(`lifecycle history (${history.length} events): ${JSON.stringify(firstHistory)}`);
    }
  }
  const min = Math.min(...events);
  const max = Math.max(...events);
  const api = statsOf(apiMs);
  const closed = statsOf(closedMs);
  console.log(
    `lifecycle       ${OPTIONS.lifecycles} runs: events min ${min} max ${max}; four API calls ` +
      `p50 ${ms(api.p50)} max ${ms(api.max)}; until the run closed p50 ${ms(closed.p50)} ` +
      `max ${ms(closed.max)}`,
  );
  return {
    runs: OPTIONS.lifecycles,
    events: { min, max },
    firstHistory,
    apiCalls: recordStats(api),
    untilClosed: recordStats(closed),
  };
}

async function duplicateStorm({ stack, post }: Bench): Promise<BenchRun['duplicates']> {
  const partner = await createUserWithToken({ role: 'partner' });
  const body = newDelivery('duplicate storm');
  const count = OPTIONS.duplicates;
  const storm = await load(count, count, () => post('/deliveries', partner.token, body));
  const statuses = countBy(storm.values, (a) =>
    a.status === 200 && a.replayed ? '200 replayed' : String(a.status),
  );
  const rows = await stack.db('deliveries').where({ partner_id: partner.user.id }).count();
  const stored = Number((rows[0] as { count: string | number }).count);
  const serverErrors = storm.values.filter((a) => a.status >= 500).length;
  console.log(
    `duplicate storm ${formatStats(storm.stats)}  statuses ${JSON.stringify(statuses)}, ` +
      `rows ${stored}`,
  );
  return { count, statuses, rows: stored, serverErrors, stats: recordStats(storm.stats) };
}

async function tracking(bench: Bench, baseUrl: string): Promise<BenchRun['tracking']> {
  if (OPTIONS.tracking === 0) return null;
  // "With the platform idle": the worker has worked off what the earlier phases left.
  await backlogEmpty(bench.stack.client, bench.stack.taskQueue);
  const [partner, admin] = await Promise.all([
    createUserWithToken({ role: 'partner' }),
    createUserWithToken({ role: 'admin', first_name: 'Ada' }),
  ]);
  return benchTracking({
    baseUrl,
    hub: bench.stack.deps.trackingHub,
    partnerToken: partner.token,
    superAdminToken: bench.superAdmin.token,
    adminId: admin.user.id,
    requests: OPTIONS.trackingRequests,
    streams: OPTIONS.trackingStreams,
  });
}

/** Issue 22's dispatcher task in Chromium (`bench/dispatcher-task.ts`), unless BENCH_DISPATCHER=0. */
async function dispatcherTask(bench: Bench, baseUrl: string): Promise<BenchRun['dispatcherTask']> {
  if (OPTIONS.dispatcher === 0) return null;
  await backlogEmpty(bench.stack.client, bench.stack.taskQueue);
  return benchDispatcherTask({
    baseUrl,
    db: bench.stack.db,
    rows: OPTIONS.dispatcherRows,
    runs: OPTIONS.dispatcherRuns,
    width: OPTIONS.dispatcherWidth,
  });
}

/** Issue 20's burst in `auto` dispatch mode (`bench/dispatch.ts`), unless BENCH_DISPATCH=0. */
async function autoDispatch(bench: Bench, baseUrl: string): Promise<BenchRun['autoDispatch']> {
  if (OPTIONS.dispatch === 0) return null;
  await backlogEmpty(bench.stack.client, bench.stack.taskQueue);
  const record = await benchAutoDispatch({
    baseUrl,
    db: bench.stack.db,
    deliveries: OPTIONS.dispatchDeliveries,
    admins: OPTIONS.dispatchAdmins,
    capacity: OPTIONS.dispatchCapacity,
    acceptPercent: OPTIONS.dispatchAcceptPercent,
  });
  console.log(`auto-dispatch: ${describeAutoDispatch(record)}`);
  return record;
}

async function lists(bench: Bench, baseUrl: string): Promise<BenchRun['lists']> {
  if (OPTIONS.listRows === 0) return null;
  const partner = await createUserWithToken({ role: 'partner' });
  const admin = await createUserWithToken({ role: 'admin' });
  const results = await benchLists({
    baseUrl,
    db: bench.stack.db,
    tokens: { partner: partner.token, admin: admin.token, superAdmin: bench.superAdmin.token },
    partnerId: partner.user.id,
    adminId: admin.user.id,
    rows: OPTIONS.listRows,
    requests: OPTIONS.listRequests,
  });
  return { rows: OPTIONS.listRows, results };
}

/**
 * The commit checked out at the start, and the changed paths the run measures: what the bench
 * loads (the platform, its migrations and dependencies, the test stack it starts, itself).
 */
function revision(): BenchRun['commit'] {
  try {
    const git = (args: string) => execSync(`git ${args}`, { encoding: 'utf8' }).trim();
    const measured = 'src migrations package.json package-lock.json test/support bench';
    const changed = git(`status --porcelain -- ${measured}`)
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.slice(3));
    return { hash: git('rev-parse --short HEAD'), uncommitted: changed };
  } catch {
    return null;
  }
}

function machine(loadAtStart: number): BenchRun['machine'] {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverage: { start: loadAtStart, end: os.loadavg()[0]! },
  };
}

/**
 * Whole lifecycles per second (`bench/capacity.ts`), unless BENCH_CAPACITY=0; with
 * BENCH_CAPACITY_PRODUCTION=1 on the production shape: a Temporal cluster over PostgreSQL, with a
 * delivery worker process of its own.
 */
async function capacity(bench: Bench, workerPid: number | null): Promise<BenchRun['capacity']> {
  if (OPTIONS.capacity === 0) return null;
  const settings = {
    stack: bench.stack,
    superAdmin: bench.superAdmin,
    seconds: OPTIONS.capacitySeconds,
  };
  if (OPTIONS.capacityProduction === 0) return benchCapacity({ ...settings, workerPid });
  const engine = await productionEngine(bench.stack);
  try {
    const worker = await startWorkerOn(engine.client, bench.stack.taskQueue, {
      TEMPORAL_ADDRESS: engine.address,
    });
    try {
      return await benchCapacity({ ...settings, workerPid: worker.pid, engine });
    } finally {
      await worker.stop();
    }
  } finally {
    await engine.close();
  }
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  const startedAt = new Date().toISOString();
  const commit = revision();
  const stack = await startStack({
    inProcessWorker: false,
    temporal: OPTIONS.temporalCluster ? 'cluster' : 'dev-server',
  });
  const server = await listen(stack.app, 0, '127.0.0.1');
  const base = baseUrl(server);
  const worker = await startWorkerProcess(base);
  try {
    const bench: Bench = {
      stack,
      post: postTo(base),
      superAdmin: await createUserWithToken({ role: 'super_admin' }),
    };
    const bareStart = await bareStarts(stack.client);
    const { create, drain } = await creates(bench);
    const change = await changes(bench);
    const bareUpdate = await bareUpdates(stack, change.stats.p50);
    const lifecycle = await lifecycles(bench);
    const duplicates = await duplicateStorm(bench);
    const capacityResults = await capacity(bench, worker.pid);
    const trackingResults = await tracking(bench, base);
    const dispatcherResults = await dispatcherTask(bench, base);
    const autoDispatchResults = await autoDispatch(bench, base);
    const listResults = await lists(bench, base);
    const run: BenchRun = {
      startedAt,
      endedAt: new Date().toISOString(),
      commit,
      machine: machine(loadAtStart),
      options: OPTIONS,
      bareStart,
      create,
      drain,
      change,
      bareUpdate,
      lifecycle,
      duplicates,
      lists: listResults,
      tracking: trackingResults,
      capacity: capacityResults,
      dispatcherTask: dispatcherResults,
      autoDispatch: autoDispatchResults,
    };
    console.log(`\n${renderLatest(run)}`);
    for (const file of await writeRecords(run)) {
      console.log(`written: ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await closeServer(server);
    await worker.stop();
    await stopStack();
  }
}

// Everything it started is stopped by then; a handle left open must not keep the bench alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
