/**
 * Memory of a large CSV export: seeds deliveries straight into PostgreSQL (100,000 by default) for
 * one partner, then downloads `GET /api/v1/deliveries/export` with curl (another process, so the
 * client's buffers are not counted), counting its lines, and samples the API process's memory:
 * - as the process runs normally: peak RSS and heap above what it used before, with garbage
 *   collected whenever V8 chooses (lazily, while there is room);
 * - with a full collection every 100 ms: the heap right after each collection is what the export
 *   actually holds (its live set), which is what must not grow with the number of rows.
 * Goal: under 100 MB above the baseline (the export reads keyset pages of 1,000 rows and writes
 * each as the socket takes it, so the total does not matter).
 *
 * `npx tsx --expose-gc bench/export.ts` starts the test stack (without a worker), prints the
 * numbers and stops. Options: BENCH_EXPORT_ROWS (default 100000). The seeded rows have no
 * workflows, so run it on the throwaway test database it starts.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../src/api/listen';
import { baseUrl } from '../test/support/base-url';
import { startStack, stopStack } from '../test/support/stack';
import { createUserWithToken } from '../test/support/users';
import { seedDeliveriesSql } from './lists';
import { intOption, runScript } from './support';

const MiB = 1024 * 1024;
const GOAL_MIB = 100;
const gc = (globalThis as { gc?: () => void }).gc;

interface Peak {
  rss: number;
  heapUsed: number;
  /** The largest heap right after a full collection: the live set. */
  liveHeap: number;
}

/** Samples memory every 10 ms; with `collect`, runs a full GC every 100 ms and notes the heap. */
function sampleMemory(collect: boolean): { peak: Peak; stop: () => void } {
  const peak: Peak = { rss: 0, heapUsed: 0, liveHeap: 0 };
  const take = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  };
  let ticks = 0;
  const timer = setInterval(() => {
    if (collect && ++ticks % 10 === 0) {
      gc?.();
      peak.liveHeap = Math.max(peak.liveHeap, process.memoryUsage().heapUsed);
    }
    take();
  }, 10);
  take();
  return {
    peak,
    stop: () => {
      clearInterval(timer);
      take();
    },
  };
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/** curl in a shell of its own, its output counted by wc: nothing of the download stays here. */
function curlLineCount(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'sh',
      ['-c', 'curl -sSf -H "Authorization: Bearer $TOKEN" "$URL" | wc -l'],
      { env: { ...process.env, TOKEN: token, URL: url } },
      (error, stdout) => (error ? reject(error) : resolve(Number(stdout.trim()))),
    );
  });
}

async function download(base: string, token: string, collect: boolean) {
  gc?.();
  const before = process.memoryUsage();
  const memory = sampleMemory(collect);
  const start = performance.now();
  const lines = await curlLineCount(`${base}/api/v1/deliveries/export`, token);
  const seconds = (performance.now() - start) / 1000;
  memory.stop();
  const growth = {
    rss: memory.peak.rss - before.rss,
    heap: memory.peak.heapUsed - before.heapUsed,
    live: memory.peak.liveHeap - before.heapUsed,
  };
  console.log(
    `${collect ? 'GC every 100 ms' : "V8's own GC    "}: ${lines - 1} records in ${seconds.toFixed(1)}s; ` +
      `before rss ${mib(before.rss)} heap ${mib(before.heapUsed)}; peak growth rss ${mib(growth.rss)} heap ${mib(growth.heap)}` +
      (collect ? `; live heap growth ${mib(growth.live)}` : ''),
  );
  return { records: lines - 1, growth };
}

async function main(): Promise<void> {
  if (!gc) throw new Error('run with --expose-gc: npx tsx --expose-gc bench/export.ts');
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
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`seeded ${rows} deliveries in ${seedSeconds.toFixed(1)}s`);

    await download(baseUrl(server), partner.token, false);
    const held = await download(baseUrl(server), partner.token, true);
    const worst = Math.max(held.growth.rss, held.growth.live);
    console.log(
      `memory the export holds (rss and live heap growth with regular GC): at most ${mib(worst)}, ${worst < GOAL_MIB * MiB ? 'within' : 'OVER'} the ${GOAL_MIB} MiB goal`,
    );
    if (held.records !== rows) throw new Error(`expected ${rows} records, got ${held.records}`);
  } finally {
    await closeServer(server);
    await stopStack();
  }
}

runScript(main);
