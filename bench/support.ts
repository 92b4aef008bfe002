import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { descendantsOf } from '../test/support/process-tree';

/** A positive integer from the environment, or the default; anything else stops the bench. */
export function intOption(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be an integer >= 0`);
  return value;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A bench script's entry: its failure is printed and the process exits 1; once it is done it exits
 * 0, so a handle a library leaves open after the stack stopped cannot keep it alive (the export
 * bench printed its result and then waited until killed).
 */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Calls per second over the wall time of the whole load. */
  perSecond: number;
}

export function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Percentiles of `ms`; `perSecond` only when the wall time of the whole load is given. */
export function statsOf(ms: readonly number[], wallMs = NaN): Stats {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    perSecond: (sorted.length / wallMs) * 1000,
  };
}

export const formatStats = (s: Stats) =>
  `n=${s.n} ${Number.isNaN(s.perSecond) ? '' : `${s.perSecond.toFixed(1)}/s `}p50=${s.p50.toFixed(1)}ms p95=${s.p95.toFixed(1)}ms ` +
  `p99=${s.p99.toFixed(1)}ms max=${s.max.toFixed(1)}ms`;

/**
 * A process's command name and the CPU seconds it has used (user + system), or null once gone;
 * with `reaped`, also those of its children that ended (a PostgreSQL backend that closed).
 */
export function processCpu(pid: number, reaped = false): { name: string; seconds: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // After the command name: state, ppid, …; utime, stime, cutime and cstime are the 12th to
    // 15th (in ticks).
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = fields[11]! + fields[12]!;
    return { name, seconds: (reaped ? own + fields[13]! + fields[14]! : own) / 100 };
  } catch {
    return null; // The process ended while we were reading.
  }
}

/** CPU seconds used so far by this process ("node") and its children, summed by program name. */
export function cpuSeconds(): Map<string, number> {
  const totals = new Map<string, number>();
  for (const pid of [process.pid, ...descendantsOf(process.pid)]) {
    const cpu = processCpu(pid);
    if (!cpu) continue;
    const name = pid === process.pid ? 'node' : cpu.name;
    totals.set(name, (totals.get(name) ?? 0) + cpu.seconds);
  }
  return totals;
}

/** Cores each program kept busy between `before` and now, e.g. "node 0.98, temporal 0.61". */
export function coresSince(before: Map<string, number>, wallMs: number): string {
  return [...cpuSeconds()]
    .map(([name, total]) => [name, (total - (before.get(name) ?? 0)) / (wallMs / 1000)] as const)
    .filter(([, cores]) => cores >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([name, cores]) => `${name} ${cores.toFixed(2)}`)
    .join(', ');
}

export interface Load<T> {
  values: T[];
  ms: number[];
  wallMs: number;
  /** When the last call returned (epoch ms, comparable with the Temporal server's clock here). */
  endedAt: number;
  stats: Stats;
  /** Cores used per program during the load (see `coresSince`). */
  cores: string;
}

/**
 * Makes `count` calls from `concurrency` callers and times each. Caller c makes calls c,
 * c + concurrency, c + 2 × concurrency, … one after another, so a key chosen by `ownedKey` is
 * never in two calls at once.
 */
export async function load<T>(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<T>,
): Promise<Load<T>> {
  const values: T[] = new Array(count);
  const ms: number[] = new Array(count);
  const cpu = cpuSeconds();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async (_, caller) => {
      for (let i = caller; i < count; i += concurrency) {
        const callStart = performance.now();
        values[i] = await call(i);
        ms[i] = performance.now() - callStart;
      }
    }),
  );
  const endedAt = Date.now();
  const wallMs = performance.now() - start;
  const stats = statsOf(ms, wallMs);
  return { values, ms, wallMs, endedAt, stats, cores: coresSince(cpu, wallMs) };
}

/**
 * The key (0 … keys - 1) call i of a `load` uses when each caller owns its own keys: caller c
 * owns c, c + concurrency, … and cycles through them. Needs keys >= concurrency.
 */
export function ownedKey(i: number, concurrency: number, keys: number): number {
  const caller = i % concurrency;
  const owned = Math.ceil((keys - caller) / concurrency);
  return caller + concurrency * (Math.floor(i / concurrency) % owned);
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
