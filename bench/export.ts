/**
 * Memory of a large CSV export: seeds deliveries straight into PostgreSQL (100,000 by default) for
 * one partner, then downloads `GET /api/v1/deliveries/export` over HTTP from the same process,
 * reading it chunk by chunk, and samples the process's memory throughout.
 * Goal: the API process stays under 100 MB above what it used before the export (the export reads
 * keyset pages of 1,000 rows and streams each as it is written, so the total does not matter).
 *
 * `npx tsx --expose-gc bench/export.ts` starts the test stack (without a worker), prints the
 * numbers and stops. Options: BENCH_EXPORT_ROWS (default 100000). The seeded rows have no
 * workflows, so run it on the throwaway test database it starts.
 */
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../src/api/listen';
import { baseUrl } from '../test/support/base-url';
import { startStack, stopStack } from '../test/support/stack';
import { createUserWithToken } from '../test/support/users';
import { seedDeliveriesSql } from './lists';
import { intOption } from './support';

const MiB = 1024 * 1024;
const GOAL_MIB = 100;

interface Peak {
  rss: number;
  heapUsed: number;
  external: number;
}

function sampleMemory(): { peak: Peak; stop: () => void } {
  const peak: Peak = { rss: 0, heapUsed: 0, external: 0 };
  const take = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
    peak.external = Math.max(peak.external, m.external + m.arrayBuffers);
  };
  take();
  const timer = setInterval(take, 10);
  return {
    peak,
    stop: () => {
      clearInterval(timer);
      take();
    },
  };
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const rows = intOption('BENCH_EXPORT_ROWS', 100_000);
  const { app, db } = await startStack({ inProcessWorker: false });
  const server = await listen(app, 0, '127.0.0.1');
  try {
    const partner = await createUserWithToken({ role: 'partner' });
    const admin = await createUserWithToken({ role: 'admin' });
    const seedStart = performance.now();
    await db.raw(
      seedDeliveriesSql({
        count: rows,
        partnerIds: [partner.user.id],
        adminIds: [admin.user.id],
        focusShare: 0,
      }),
    );
    console.log(
      `seeded ${rows} deliveries in ${((performance.now() - seedStart) / 1000).toFixed(1)}s`,
    );

    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage();
    const memory = sampleMemory();
    const start = performance.now();
    const res = await fetch(`${baseUrl(server)}/api/v1/deliveries/export`, {
      headers: { Authorization: `Bearer ${partner.token}` },
    });
    if (res.status !== 200 || !res.body) throw new Error(`export answered ${res.status}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body) {
      bytes += chunk.byteLength;
      for (const byte of chunk) if (byte === 0x0a) lines++;
    }
    const seconds = (performance.now() - start) / 1000;
    memory.stop();

    const records = lines - 1;
    const rssGrowth = memory.peak.rss - before.rss;
    console.log(
      `exported ${records} records (${mib(bytes)}) in ${seconds.toFixed(1)}s, ${Math.round(records / seconds)} rows/s`,
    );
    console.log(
      `memory before: rss ${mib(before.rss)}, heap ${mib(before.heapUsed)}; peak during: rss ${mib(memory.peak.rss)}, heap ${mib(memory.peak.heapUsed)}, external+buffers ${mib(memory.peak.external)}`,
    );
    console.log(
      `peak rss growth ${mib(rssGrowth)}: ${rssGrowth < GOAL_MIB * MiB ? 'within' : 'OVER'} the ${GOAL_MIB} MiB goal`,
    );
    if (records !== rows) throw new Error(`expected ${rows} records, got ${records}`);
  } finally {
    await closeServer(server);
    await stopStack();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
