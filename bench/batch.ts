/**
 * A 1,000-delivery bulk create, end to end: `POST /api/v1/deliveries/batches` over HTTP, then
 * `GET /api/v1/deliveries/batches/{id}` polled until the batch workflow reports it completed
 * (every delivery created through the single create's path, its delivery workflow started and its
 * row written). Meanwhile another partner sends single creates one after the other, and their
 * latency is compared with the same creates on the idle stack: a batch must not crowd them out.
 * Goal: the batch completes in under 60 s on this machine.
 *
 * `npx tsx bench/batch.ts` starts the test stack (with its in-process worker), prints the
 * numbers and stops. Options: BENCH_BATCH_SIZE (default 1000), BENCH_BATCH_SINGLES (singles
 * measured on the idle stack, default 30).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../src/api/listen';
import { baseUrl } from '../test/support/base-url';
import { deliveryBody } from '../test/support/deliveries';
import { startStack, stopStack } from '../test/support/stack';
import { createUserWithToken } from '../test/support/users';
import { formatStats, intOption, sleep, statsOf, runScript } from './support';

const GOAL_SECONDS = 60;

async function call(base: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function singleCreate(base: string, token: string): Promise<number> {
  const start = performance.now();
  const res = await call(base, token, 'POST', '/api/v1/deliveries', deliveryBody());
  if (res.status !== 201) throw new Error(`single create answered ${res.status}`);
  return performance.now() - start;
}

async function main(): Promise<void> {
  const size = intOption('BENCH_BATCH_SIZE', 1000);
  const idleSingles = intOption('BENCH_BATCH_SINGLES', 30);
  const { app } = await startStack();
  const server = await listen(app, 0, '127.0.0.1');
  const base = baseUrl(server);
  try {
    const bulk = await createUserWithToken({ role: 'partner' });
    const shop = await createUserWithToken({ role: 'partner' });
    const idle: number[] = [];
    for (let i = 0; i < idleSingles; i++) idle.push(await singleCreate(base, shop.token));
    console.log(`single creates, idle stack:  ${formatStats(statsOf(idle))}`);

    const deliveries = Array.from({ length: size }, (_, i) => ({
      idempotency_key: `bench-${i}-${randomUUID()}`,
      ...deliveryBody(),
    }));
    const start = performance.now();
    const accepted = await call(base, bulk.token, 'POST', '/api/v1/deliveries/batches', {
      deliveries,
    });
    const acceptedMs = performance.now() - start;
    if (accepted.status !== 202) throw new Error(`batch answered ${accepted.status}`);
    const id = String(accepted.body['id']);

    let done = false;
    const during: number[] = [];
    const singles = (async () => {
      while (!done) during.push(await singleCreate(base, shop.token));
    })();
    let report: Record<string, unknown> = accepted.body;
    while (report['status'] !== 'completed') {
      await sleep(250);
      report = (await call(base, bulk.token, 'GET', `/api/v1/deliveries/batches/${id}`)).body;
    }
    const seconds = (performance.now() - start) / 1000;
    done = true;
    await singles;

    const { created, replayed, failed } = report as Record<string, number>;
    console.log(
      `batch of ${size}: accepted (202) in ${acceptedMs.toFixed(0)} ms, completed in ${seconds.toFixed(1)} s ` +
        `(${(size / seconds).toFixed(0)} deliveries/s; created ${created}, replayed ${replayed}, failed ${failed}), ` +
        `${seconds < GOAL_SECONDS ? 'within' : 'OVER'} the ${GOAL_SECONDS} s goal`,
    );
    console.log(`single creates, during batch: ${formatStats(statsOf(during))}`);
    if (created !== size) throw new Error(`expected ${size} created, got ${created}`);
  } finally {
    await closeServer(server);
    await stopStack();
  }
}

runScript(main);
