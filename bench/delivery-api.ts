/**
 * `npm run bench`: the delivery platform measured against the engine it runs on, on one stack
 * (embedded PostgreSQL, one Temporal dev server: the test stack), the API served over HTTP on
 * 127.0.0.1 from this process, the delivery worker as its own process (the production entry
 * point) at BENCH_WORKER_NICE (10). In order:
 *  1. bare start rate: `workflow.start` of a type nobody polls (the engine's ceiling here);
 *  2. create rate: POST /deliveries, compared with 1;
 *  3. drain time: until the worker has run the first task of every delivery created in 2;
 *  4. a change's round trip: re-assignments between two admins, next to a bare update of a
 *     no-op workflow (`bench/workflows/noop.ts`);
 *  5. history events per lifecycle (create → assign → IN_TRANSIT → COMPLETED);
 *  6. a duplicate storm: identical concurrent creates yield one delivery;
 *  7. lists at 100,000 rows (`bench/lists.ts`).
 * Prints a markdown summary with each goal and writes it to bench/results/latest.md. Timing goals
 * live here, not in tests. Options (env): BENCH_STARTS (2000), BENCH_CONCURRENCY (32),
 * BENCH_CHANGES (1000), BENCH_CHANGE_DELIVERIES (100), BENCH_CHANGE_CONCURRENCY (16),
 * BENCH_LIFECYCLES (10), BENCH_DUPLICATES (200), BENCH_LIST_ROWS (100000; 0 skips the lists),
 * BENCH_LIST_REQUESTS (200), BENCH_WORKER_NICE (10; 0 gives the worker the API's priority).
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../src/api/listen';
import type { Delivery } from '../src/schemas/deliveries';
import { startStack, stopStack, type TestStack } from '../test/support/stack';
import { baseUrl } from '../test/support/base-url';
import { spawnEntryPoint } from '../test/support/entry-points';
import { waitForReady } from '../test/support/platform-http';
import { createUserWithToken } from '../test/support/users';
import { benchLists, type ListResult } from './lists';
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
  workerNice: intOption('BENCH_WORKER_NICE', 10),
};
/** Calls before each timed load, so connections, JIT and caches are warm. */
const WARMUP = 64;
const RUN = randomUUID().slice(0, 8);
const { EventType, TaskQueueType } = temporal.api.enums.v1;

interface Answer {
  status: number;
  body: unknown;
  replayed: boolean;
}
type Post = (path: string, token: string, body: unknown) => Promise<Answer>;
type BenchUser = Awaited<ReturnType<typeof createUserWithToken>>;

interface Bench {
  stack: TestStack;
  post: Post;
  superAdmin: BenchUser;
}

interface SummaryRow {
  measure: string;
  result: string;
  goal: string;
  met: boolean | null;
}
const summary: SummaryRow[] = [];
const report = (measure: string, result: string, goal = '—', met: boolean | null = null) =>
  summary.push({ measure, result, goal, met });

const ms = (value: number) =>
  value < 10_000 ? `${value.toFixed(1)} ms` : `${(value / 1000).toFixed(2)} s`;
const latency = (s: Stats) => `p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}`;
const rate = (s: Stats) => `${s.perSecond.toFixed(0)}/s`;

function postTo(baseUrl: string): Post {
  return async (path, token, body) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? JSON.parse(text) : null,
      replayed: res.headers.get('idempotent-replayed') === 'true',
    };
  };
}

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

async function backlogOf(client: Client, taskQueue: string): Promise<number> {
  const described = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    reportStats: true,
  });
  return Number(String(described.stats?.approximateBacklogCount ?? 0));
}

/** Resolves when three polls in a row saw no workflow-task backlog; returns that time (epoch ms). */
async function backlogEmpty(client: Client, taskQueue: string): Promise<number> {
  let emptyPolls = 0;
  let firstEmptyAt = Date.now();
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; await sleep(200)) {
    const now = Date.now();
    if ((await backlogOf(client, taskQueue)) > 0) emptyPolls = 0;
    else if (emptyPolls++ === 0) firstEmptyAt = now;
    if (emptyPolls === 3) return firstEmptyAt;
  }
  throw new Error(`the backlog of ${taskQueue} did not drain in 10 minutes`);
}

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

async function bareStarts(client: Client): Promise<Stats> {
  const taskQueue = `bench-unpolled-${RUN}`;
  const start = (i: number, phase: string) =>
    client.workflow.start('benchUnpolled', { taskQueue, workflowId: `bench-${phase}-${i}-${RUN}` });
  await load(WARMUP, OPTIONS.concurrency, (i) => start(i, 'warmup'));
  const bare = await load(OPTIONS.starts, OPTIONS.concurrency, (i) => start(i, 'bare'));
  console.log(`bare start      ${formatStats(bare.stats)}  cores: ${bare.cores}`);
  report('Bare start (unpolled type), throughput', rate(bare.stats));
  report('Bare start latency', latency(bare.stats));
  return bare.stats;
}

/** Creates at full speed, then measures how long the worker needs to catch up. */
async function creates({ stack, post }: Bench, bare: Stats): Promise<void> {
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
  const s = created.stats;
  console.log(`create          ${formatStats(s)}  statuses ${JSON.stringify(statuses)}`);
  console.log(`                cores: ${created.cores}`);
  const throughputRatio = s.perSecond / bare.perSecond;
  const p99Ratio = s.p99 / bare.p99;
  report('Create, throughput', rate(s));
  report('Create latency', latency(s));
  report(
    'Create statuses',
    JSON.stringify(statuses),
    `all ${OPTIONS.starts} 201`,
    statuses['201'] === OPTIONS.starts,
  );
  report(
    'Create / bare throughput',
    `${throughputRatio.toFixed(2)}×`,
    '≥ 0.8×',
    throughputRatio >= 0.8,
  );
  report('Create p99 / bare p99', `${p99Ratio.toFixed(2)}×`, '≤ 1.5×', p99Ratio <= 1.5);

  const workflowIds = (await stack
    .db('deliveries')
    .where({ partner_id: partner.user.id })
    .pluck('workflow_id')) as string[];
  await drain(stack, workflowIds, created);
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
async function drain(stack: TestStack, workflowIds: string[], created: Load<Answer>) {
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
  report('Drain after the create load', ms(drainMs));
  report('First tasks done while the create load ran', `${duringLoad} of ${workflowIds.length}`);
  report('Creates with first task done (N / (load + drain))', `${endToEnd.toFixed(0)}/s`);
  report('Start → first workflow task done', `${latency(lag)}, max ${ms(lag.max)}`);
  const timeouts = runs.values.reduce((sum, r) => sum + r.timedOut, 0);
  report('Workflow task timeouts before the first task was done', String(timeouts));
}

async function changes({ post, superAdmin }: Bench): Promise<Stats> {
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
  const s = timed.stats;
  console.log(`re-assign       ${formatStats(s)}  statuses ${JSON.stringify(statuses)}`);
  console.log(`                cores: ${timed.cores}`);
  report('Change (re-assign), throughput', rate(s));
  report('Change latency', latency(s), 'p50 ≤ 100 ms', s.p50 <= 100);
  report('Change answers', JSON.stringify(statuses), `all 200, new assignee`, wrong === 0);
  return s;
}

async function bareUpdates(stack: TestStack, change: Stats): Promise<void> {
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
    const ratio = change.p50 / s.p50;
    console.log(`bare update     ${formatStats(s)}  cores: ${timed.cores}`);
    console.log(`change p50 / bare update p50 = ${ratio.toFixed(2)}×`);
    report('Bare update (no-op workflow), throughput', rate(s));
    report('Bare update latency', latency(s));
    report('Change p50 / bare update p50', `${ratio.toFixed(2)}×`);
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

async function lifecycles({ stack, post, superAdmin }: Bench): Promise<void> {
  const partner = await createUserWithToken({ role: 'partner' });
  const admin = await createUserWithToken({ role: 'admin' });
  const events: number[] = [];
  const apiMs: number[] = [];
  const closedMs: number[] = [];
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
      const types = countBy(history, (e) =>
        (EventType[e.eventType ?? 0] ?? '?').replace('EVENT_TYPE_', ''),
      );
      console.log(`lifecycle history (${history.length} events): ${JSON.stringify(types)}`);
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
  report('History events per lifecycle', `min ${min}, max ${max}`, '≤ 45', max <= 45);
  report('Lifecycle wall time, 4 API calls', `p50 ${ms(api.p50)}, max ${ms(api.max)}`);
  report('Lifecycle wall time, until closed', `p50 ${ms(closed.p50)}, max ${ms(closed.max)}`);
}

async function duplicateStorm({ stack, post }: Bench): Promise<void> {
  const partner = await createUserWithToken({ role: 'partner' });
  const body = newDelivery('duplicate storm');
  const count = OPTIONS.duplicates;
  const storm = await load(count, count, () => post('/deliveries', partner.token, body));
  const statuses = countBy(storm.values, (a) =>
    a.status === 200 && a.replayed ? '200 replayed' : String(a.status),
  );
  const rows = await stack.db('deliveries').where({ partner_id: partner.user.id }).count();
  const stored = Number((rows[0] as { count: string | number }).count);
  const fiveHundreds = storm.values.filter((a) => a.status >= 500).length;
  const met =
    stored === 1 &&
    statuses['201'] === 1 &&
    statuses['200 replayed'] === count - 1 &&
    fiveHundreds === 0;
  console.log(
    `duplicate storm ${formatStats(storm.stats)}  statuses ${JSON.stringify(statuses)}, ` +
      `rows ${stored}`,
  );
  report(
    `Duplicate storm (${count} identical creates)`,
    `${JSON.stringify(statuses)}, ${stored} row(s), p99 ${ms(storm.stats.p99)}`,
    `1 row, one 201, ${count - 1} replayed 200s, no 5xx`,
    met,
  );
}

async function lists(bench: Bench, baseUrl: string): Promise<ListResult[]> {
  if (OPTIONS.listRows === 0) return [];
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
  const worst = results.reduce((a, b) => (b.p99 > a.p99 ? b : a));
  const over = results.filter((r) => r.p99 > 20).length;
  report(
    `Lists at ${OPTIONS.listRows.toLocaleString('en')} rows (${results.length} filter × scope)`,
    `worst p99 ${ms(worst.p99)} (${worst.scope}, ${worst.filter}); ${over} over 20 ms`,
    'every p99 ≤ 20 ms',
    over === 0,
  );
  return results;
}

/** The commit measured, and whether the platform's code in the working tree differs from it. */
function revision(): string {
  try {
    const git = (args: string) => execSync(`git ${args}`, { encoding: 'utf8' }).trim();
    const dirty = git('status --porcelain -- src migrations package.json') !== '';
    return `${git('rev-parse --short HEAD')}${dirty ? ' (with uncommitted changes in src/ or migrations/)' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function markdown(listResults: ListResult[], loadAtStart: number): string {
  const cpus = os.cpus();
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  const met = (m: boolean | null) => (m === null ? '' : m ? 'met' : '**not met**');
  const lines = [
    '# Delivery API benchmark (`npm run bench`)',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${gib} GiB, ` +
      `${os.type()} ${os.release()}`,
    `- Commit: ${revision()}`,
    `- Node ${process.version}; one stack: embedded PostgreSQL, Temporal dev server, API and ` +
      `load in one Node process, the worker in its own at nice ${OPTIONS.workerNice}`,
    `- Load average (1 min): ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0]!.toFixed(2)} ` +
      'at the end (other work on the machine skews every number)',
    `- Options: ${JSON.stringify(OPTIONS)}`,
    '',
    '| Measure | Result | Goal | Met |',
    '| --- | --- | --- | --- |',
    ...summary.map((r) => `| ${r.measure} | ${r.result} | ${r.goal} | ${met(r.met)} |`),
  ];
  if (listResults.length > 0) {
    lines.push('', '## Lists', '', '| Scope | Filter | p50 | p99 | max | Page rows |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    for (const r of listResults) {
      lines.push(
        `| ${r.scope} | ${r.filter} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.pageRows} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The delivery worker runs as its own process (the production entry point), as deployed: the
 * API's answers never wait for it, and at BENCH_WORKER_NICE it yields the CPU to the request path
 * while a burst lasts and works the backlog off afterwards.
 */
async function startWorkerProcess(base: string): Promise<() => Promise<void>> {
  const worker = spawnEntryPoint('src/worker.ts', {});
  if (worker.child.pid !== undefined) os.setPriority(worker.child.pid, OPTIONS.workerNice);
  await waitForReady(base, 'the worker process', {
    withWorker: true,
    child: worker.child,
    timeoutMs: 60_000,
  });
  return async () => {
    worker.child.kill('SIGTERM');
    await worker.exited;
  };
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0]!;
  const stack = await startStack({ inProcessWorker: false });
  const server = await listen(stack.app, 0, '127.0.0.1');
  const base = baseUrl(server);
  const stopWorker = await startWorkerProcess(base);
  try {
    const bench: Bench = {
      stack,
      post: postTo(base),
      superAdmin: await createUserWithToken({ role: 'super_admin' }),
    };
    const bare = await bareStarts(stack.client);
    await creates(bench, bare);
    const change = await changes(bench);
    await bareUpdates(stack, change);
    await lifecycles(bench);
    await duplicateStorm(bench);
    const listResults = await lists(bench, base);

    const text = markdown(listResults, loadAtStart);
    console.log(`\n${text}`);
    const file = path.join(__dirname, 'results', 'latest.md');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    console.log(`written to ${path.relative(process.cwd(), file)}`);
  } finally {
    await closeServer(server);
    await stopWorker();
    await stopStack();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
