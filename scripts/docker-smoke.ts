/**
 * Runs the image `scripts/docker-smoke.sh` built, as a deployment would: the migrate step, an API
 * container and a worker container (host network, locked down as the Helm chart runs them)
 * against a PostgreSQL and a Temporal dev server on loopback, takes one delivery through its
 * lifecycle over HTTP, stops the API and the worker with SIGTERM and removes everything.
 * Usage: tsx scripts/docker-smoke.ts <image>
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { baseUrl } from '../test/support/base-url';
import { freePort } from '../test/support/free-port';
import { productionEnv, startLoopbackInfra } from '../test/support/loopback-infra';
import {
  call,
  createUserOverHttp,
  expectStatus,
  newDeliveryBody,
  signIn,
  waitForReady,
} from '../test/support/platform-http';

const execFileAsync = promisify(execFile);
/** Below the chart's shortest terminationGracePeriodSeconds (the API's 40). */
const STOP_TIMEOUT_SECONDS = 30;
/**
 * How the Helm chart (deploy/helm/) runs the image: uid 1000, no capabilities, a read-only root
 * with /tmp and DATA_DIR (/data) writable, so the smoke run proves the processes live with it.
 */
const AS_IN_KUBERNETES = [
  ...['--user', '1000:1000', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'],
  ...['--read-only', '--tmpfs', '/tmp:rw,mode=1777', '--tmpfs', '/data:rw,mode=1777'],
  ...['-e', 'DATA_DIR=/data'],
];
const run = (...args: string[]) => execFileAsync('docker', args, { maxBuffer: 16 * 1024 * 1024 });
const docker = async (...args: string[]) => (await run(...args)).stdout.trim();
const logsOf = async (name: string) => {
  const { stdout, stderr } = await run('logs', name);
  return stdout + stderr;
};

async function lifecycle(base: string, email: string, password: string): Promise<string[]> {
  const boss = await signIn(base, email, password);
  const partner = await createUserOverHttp(base, boss, 'partner');
  const admin = await createUserOverHttp(base, boss, 'admin');
  const created = await call(base, 'POST', '/api/v1/deliveries', {
    token: partner.token,
    body: newDeliveryBody(),
  });
  const id = expectStatus(created, [201], 'create').body.id as string;
  const steps: [string, string, unknown][] = [
    [boss, 'assign', { admin_id: admin.id }],
    [admin.token, 'status', { status: 'IN_TRANSIT' }],
    [admin.token, 'status', { status: 'COMPLETED' }],
  ];
  for (const [token, action, body] of steps) {
    const answer = await call(base, 'POST', `/api/v1/deliveries/${id}/${action}`, {
      token,
      body,
      headers: { 'idempotency-key': randomUUID() },
    });
    expectStatus(answer, [200], `${action} ${JSON.stringify(body)}`);
  }
  const read = expectStatus(
    await call(base, 'GET', `/api/v1/deliveries/${id}`, { token: partner.token }),
    [200],
    'read',
  );
  const timeline = (read.body.timeline as { type: string; to_status: string }[]).map(
    (e) => `${e.type}:${e.to_status}`,
  );
  const expected = [
    'created:CREATED',
    'assigned:ASSIGNED',
    'status_changed:IN_TRANSIT',
    'status_changed:COMPLETED',
  ];
  if (read.body.status !== 'COMPLETED' || timeline.join() !== expected.join()) {
    throw new Error(`unexpected final state: ${read.body.status}, timeline ${timeline.join()}`);
  }
  return timeline;
}

/** The image has no esbuild: the console must come from the bundle `npm run build` wrote. */
async function consoleServed(base: string): Promise<void> {
  const page = expectStatus(await call(base, 'GET', '/console'), [200], 'the console page');
  const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(String(page.body))?.[1];
  if (!script) throw new Error('the console page names no script');
  expectStatus(await call(base, 'GET', script), [200], 'the console script');
}

/**
 * Kubernetes stops a pod with SIGTERM to the process, PID 1 in its container, and kills it after
 * terminationGracePeriodSeconds: each process must stop by itself, with exit code 0, well before.
 */
async function stopsOnSigterm(name: string): Promise<void> {
  const started = Date.now();
  await docker('stop', '--time', String(STOP_TIMEOUT_SECONDS), name);
  const seconds = (Date.now() - started) / 1000;
  const exitCode = await docker('inspect', '--format', '{{.State.ExitCode}}', name);
  if (exitCode !== '0' || seconds >= STOP_TIMEOUT_SECONDS) {
    throw new Error(`${name} did not stop on SIGTERM: exit code ${exitCode} after ${seconds} s`);
  }
  console.log(`${name}: stopped on SIGTERM in ${seconds.toFixed(1)} s, exit code 0`);
}

async function main(image: string): Promise<void> {
  const infra = await startLoopbackInfra();
  const runId = randomUUID().slice(0, 8);
  const names = { api: `smoke-api-${runId}`, worker: `smoke-worker-${runId}` };
  const port = await freePort();
  const superAdmin = {
    email: `boss-${runId}@example.test`,
    password: randomBytes(12).toString('hex'),
  };
  const env: Record<string, string> = {
    ...productionEnv(infra, 'smoke'),
    SUPERADMIN_EMAIL: superAdmin.email,
    SUPERADMIN_PASSWORD: superAdmin.password,
    PORT: String(port),
  };
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const started: string[] = [];
  let failed = true;
  try {
    await docker(
      'run',
      '--rm',
      '--network',
      'host',
      ...AS_IN_KUBERNETES,
      ...envArgs,
      image,
      'node',
      'dist/src/setup-cli.js',
    );
    console.log('migrate step: done');
    for (const [role, entry] of [
      ['api', 'dist/src/server.js'],
      ['worker', 'dist/src/worker.js'],
    ] as const) {
      await docker(
        'run',
        '-d',
        '--name',
        names[role],
        '--network',
        'host',
        ...AS_IN_KUBERNETES,
        ...envArgs,
        image,
        'node',
        entry,
      );
      started.push(names[role]);
    }
    const base = baseUrl(port);
    await waitForReady(base, 'the API container', { withWorker: true });
    console.log('api and worker containers: ready');
    await consoleServed(base);
    console.log('console page and script: served from the prebuilt bundle');
    const timeline = await lifecycle(base, superAdmin.email, superAdmin.password);
    console.log(`delivery lifecycle over HTTP: ${timeline.join(' → ')}`);
    for (const role of ['api', 'worker'] as const) await stopsOnSigterm(names[role]);
    failed = false;
  } finally {
    for (const name of started) {
      if (failed) console.error(`--- ${name} logs ---\n${await logsOf(name).catch(String)}`);
      await docker('rm', '-f', name).catch(() => undefined);
    }
    await infra.close();
  }
}

main(process.argv[2] ?? 'delivery-aggregator:smoke').then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
