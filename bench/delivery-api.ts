/**
 * `npm run bench`: latency and throughput of the delivery API on the real stack (embedded
 * PostgreSQL, Temporal dev server, one in-process worker), the same stack the tests use.
 * Measures new deliveries (update-with-start + read-model activity), idempotent replays (answered
 * from Postgres) and a full lifecycle (assign → in transit → completed). Timing goals live here,
 * not in tests. Options: BENCH_DELIVERIES (default 200), BENCH_CONCURRENCY (default 20).
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../src/api/listen';
import { startStack, stopStack } from '../test/support/stack';
import { createUserWithToken } from '../test/support/users';

const TOTAL = Number(process.env['BENCH_DELIVERIES'] ?? 200);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 20);

interface Sample {
  ms: number;
  status: number;
}

async function timed(call: () => Promise<Response>): Promise<Sample & { body: unknown }> {
  const start = performance.now();
  const res = await call();
  const body: unknown = await res.json();
  return { ms: performance.now() - start, status: res.status, body };
}

async function pool<T>(count: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await run(i);
      }
    }),
  );
  return results;
}

function report(name: string, samples: Sample[], wallMs: number, expected: number): void {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const wrong = samples.filter((s) => s.status !== expected).length;
  console.log(
    `${name.padEnd(22)} n=${samples.length} p50=${at(0.5).toFixed(1)}ms p95=${at(0.95).toFixed(1)}ms ` +
      `p99=${at(0.99).toFixed(1)}ms max=${sorted.at(-1)!.toFixed(1)}ms ` +
      `throughput=${((samples.length / wallMs) * 1000).toFixed(1)}/s unexpected-status=${wrong}`,
  );
}

async function main(): Promise<void> {
  const { app } = await startStack();
  const server = await listen(app, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  try {
    const partner = await createUserWithToken({ role: 'partner' });
    const admin = await createUserWithToken({ role: 'admin' });
    const superAdmin = await createUserWithToken({ role: 'super_admin' });
    const post = (path: string, token: string, body: unknown) =>
      fetch(base + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const payload = (i: number) => ({
      product_name: `Bench item ${i} ${Date.now()}`,
      delivery_address: `${i} Benchmark Road`,
      delivery_date: '2099-01-01',
    });
    const payloads = Array.from({ length: TOTAL }, (_, i) => payload(i));

    let start = performance.now();
    const created = await pool(TOTAL, (i) =>
      timed(() => post('/deliveries', partner.token, payloads[i])),
    );
    report('create (new)', created, performance.now() - start, 201);

    start = performance.now();
    const replayed = await pool(TOTAL, (i) =>
      timed(() => post('/deliveries', partner.token, payloads[i])),
    );
    report('create (replay)', replayed, performance.now() - start, 200);

    const ids = created.map((c) => (c.body as { id: string }).id);
    const steps: [string, (id: string) => Promise<Response>][] = [
      [
        'assign',
        (id) => post(`/deliveries/${id}/assign`, superAdmin.token, { admin_id: admin.user.id }),
      ],
      [
        'status IN_TRANSIT',
        (id) => post(`/deliveries/${id}/status`, admin.token, { status: 'IN_TRANSIT' }),
      ],
      [
        'status COMPLETED',
        (id) => post(`/deliveries/${id}/status`, admin.token, { status: 'COMPLETED' }),
      ],
    ];
    for (const [name, step] of steps) {
      start = performance.now();
      const samples = await pool(ids.length, (i) => timed(() => step(ids[i]!)));
      report(name, samples, performance.now() - start, 200);
    }
  } finally {
    await closeServer(server);
    await stopStack();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
