/**
 * The overview's latency at scale: seeds deliveries straight into PostgreSQL (100,000 by
 * default, spread over BENCH_STATS_DAYS days before now: 730 by default; 30 puts every one in
 * the charted window, the worst case) with the events a lifecycle leaves (created, assigned,
 * in transit, finished), runs VACUUM ANALYZE, then times `GET /api/v1/deliveries/stats` over
 * HTTP, one request at a time, for all partners and for one partner (10% of the rows).
 * Goal: p99 <= 100 ms. Timing goals live here, not in tests.
 *
 * `npx tsx bench/stats.ts` starts the test stack, prints the table and stops. Options:
 * BENCH_STATS_ROWS (default 100000), BENCH_STATS_DAYS (730), BENCH_STATS_REQUESTS (100).
 */
import type { Knex } from 'knex';
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../src/api/listen';
import { baseUrl } from '../test/support/base-url';
import { startStack, stopStack } from '../test/support/stack';
import { createUserWithToken } from '../test/support/users';
import { createOwners, seedDeliveriesSql, withBatchedGinUpkeep } from './lists';
import { intOption, statsOf, runScript } from './support';

/**
 * The events of the seeded rows (`seed-…` workflow ids), as the workflow would have written
 * them: assigned 5 min–4 h after creation, in transit 30 min later, finished 1–48 h after
 * creation; never after now.
 */
export const SEED_EVENTS_SQL = `
  with seeded as (
    select id, status, created_at, random() as r_assign, random() as r_finish
      from deliveries where workflow_id like 'seed-%'
  ), timed as (
    select *,
           least(now(), created_at + interval '5 minutes' + r_assign * interval '4 hours') as assigned_at,
           least(now(), created_at + interval '1 hour' + r_finish * interval '47 hours') as finished_at
      from seeded
  ), events as (
    select id, 'created' as type, null as from_status, 'CREATED' as to_status, created_at as at from timed
    union all
    select id, 'assigned', 'CREATED', 'ASSIGNED', assigned_at from timed
     where status in ('ASSIGNED', 'IN_TRANSIT', 'COMPLETED', 'FAILED')
    union all
    select id, 'status_changed', 'ASSIGNED', 'IN_TRANSIT', least(now(), assigned_at + interval '30 minutes')
      from timed where status in ('IN_TRANSIT', 'COMPLETED', 'FAILED')
    union all
    select id, 'status_changed', 'IN_TRANSIT', status, greatest(finished_at, least(now(), assigned_at + interval '31 minutes'))
      from timed where status in ('COMPLETED', 'FAILED')
    union all
    select id, 'cancelled', 'CREATED', 'CANCELLED', finished_at from timed where status = 'CANCELLED'
  )
  insert into delivery_events (delivery_id, event_key, type, from_status, to_status, at)
  select id, 'seed-' || id || '-' || type || '-' || to_status, type, from_status, to_status, at
    from events`;

async function seed(db: Knex, rows: number, days: number, partnerId: string): Promise<void> {
  const start = performance.now();
  const partners = [partnerId, ...(await createOwners(db, 'partner', 199))];
  const admins = await createOwners(db, 'admin', 50);
  await withBatchedGinUpkeep(db, () =>
    db.raw(
      seedDeliveriesSql({
        count: rows,
        partnerIds: partners,
        adminIds: admins,
        focusShare: 0.1,
        days,
      }),
    ),
  );
  await db.raw(SEED_EVENTS_SQL);
  await db.raw('vacuum analyze deliveries');
  await db.raw('vacuum analyze delivery_events');
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  console.log(`seeded ${rows} deliveries over ${days} days with their events in ${seconds}s`);
}

async function time(url: string, token: string, requests: number) {
  const get = async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    return (await res.json()) as { total: number };
  };
  let total = 0;
  for (let i = 0; i < 10; i++) total = (await get()).total; // warm-up: connections, plans, caches
  const ms: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await get();
    ms.push(performance.now() - start);
  }
  return { total, ...statsOf(ms) };
}

async function main(): Promise<void> {
  const rows = intOption('BENCH_STATS_ROWS', 100_000);
  const days = intOption('BENCH_STATS_DAYS', 730);
  const requests = intOption('BENCH_STATS_REQUESTS', 100);
  const { app, db } = await startStack();
  const server = await listen(app, 0, '127.0.0.1');
  try {
    const partner = await createUserWithToken({ role: 'partner' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    await seed(db, rows, days, partner.user.id);
    const url = `${baseUrl(server)}/api/v1/deliveries/stats`;
    for (const [scope, query] of [
      ['all partners', ''],
      ['one partner', `?partner_id=${partner.user.id}`],
    ] as const) {
      const r = await time(url + query, boss.token, requests);
      const ms = (n: number) => n.toFixed(1).padStart(6);
      console.log(
        `${scope.padEnd(13)} ${String(r.total).padStart(7)} deliveries  p50 ${ms(r.p50)} ms  p99 ${ms(r.p99)} ms  max ${ms(r.max)} ms`,
      );
    }
  } finally {
    await closeServer(server);
    await stopStack();
  }
}

if (require.main === module) runScript(main);
