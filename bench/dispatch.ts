/**
 * Auto-dispatch under a burst (issue 20's goal): N deliveries created at once in `auto` mode for
 * A available admins of capacity C, each admin simulated: it polls its offers, answers each after
 * 1–5 s, accepts 70% (then takes the delivery to COMPLETED 1–3 s later, freeing its place) and
 * declines the rest. Throughout, every admin's load (open deliveries + unanswered offers) is
 * sampled against its capacity. At the end: every delivery is assigned or back in the queue with
 * its super admins notified, no admin ever went above capacity, no delivery was offered twice to
 * one admin.
 *
 * `npx tsx bench/dispatch.ts` starts the test stack (worker in process), prints the numbers and
 * stops. Options: BENCH_DISPATCH_DELIVERIES (1000), BENCH_DISPATCH_ADMINS (10),
 * BENCH_DISPATCH_CAPACITY (20), BENCH_DISPATCH_ACCEPT_PERCENT (70).
 */
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { deliveryBody } from '../test/support/deliveries';
import { startStack, stopStack } from '../test/support/stack';
import { bearer, createUserWithToken } from '../test/support/users';
import { intOption, sleep } from './support';

type Caller = Awaited<ReturnType<typeof createUserWithToken>>;

const between = (lowMs: number, highMs: number) => lowMs + Math.random() * (highMs - lowMs);

async function main(): Promise<void> {
  const count = intOption('BENCH_DISPATCH_DELIVERIES', 1000);
  const adminCount = intOption('BENCH_DISPATCH_ADMINS', 10);
  const capacity = intOption('BENCH_DISPATCH_CAPACITY', 20);
  const acceptPercent = intOption('BENCH_DISPATCH_ACCEPT_PERCENT', 70);
  const { app, db } = await startStack();
  const api = () => request(app.callback());
  let running = true;
  try {
    const boss = await createUserWithToken({ role: 'super_admin' });
    const partner = await createUserWithToken({ role: 'partner' });
    await db('users').where({ role: 'admin' }).update({ available: false });
    const admins: Caller[] = [];
    for (let i = 0; i < adminCount; i += 1)
      admins.push(await createUserWithToken({ role: 'admin' }));
    const adminIds = admins.map((a) => a.user.id);
    await db('users').whereIn('id', adminIds).update({ capacity });
    await api()
      .put('/api/v1/settings/dispatch')
      .set(bearer(boss.token))
      .send({ mode: 'auto', offer_timeout_seconds: 10, max_offers: 3 });

    let peakOverCapacity = -Infinity;
    const sampler = (async () => {
      while (running) {
        const { rows } = await db.raw<{ rows: { over: number | null }[] }>(
          `select max(load - capacity)::int as over from (
             select u.capacity,
               -- Distinct deliveries: an accepted offer is closed just after its delivery is
               -- assigned, and must not count twice in that instant.
               (select count(*) from (
                  select d.id from deliveries d where d.assigned_to = u.id
                     and d.status in ('ASSIGNED', 'IN_TRANSIT')
                  union
                  select o.delivery_id from delivery_offers o where o.admin_id = u.id
                     and o.status = 'pending') held) as load
             from users u where u.id = any(?)) loads`,
          [adminIds],
        );
        peakOverCapacity = Math.max(peakOverCapacity, rows[0]?.over ?? -Infinity);
        await sleep(250);
      }
    })();

    let accepted = 0;
    let declined = 0;
    let refused = 0;
    const simulate = async (admin: Caller) => {
      const seen = new Set<string>();
      const work: Promise<void>[] = [];
      while (running) {
        const res = await api().get('/api/v1/offers').set(bearer(admin.token));
        for (const offer of (res.body.data ?? []) as { delivery_id: string }[]) {
          if (seen.has(offer.delivery_id)) continue;
          seen.add(offer.delivery_id);
          work.push(
            (async () => {
              await sleep(between(1000, 5000));
              const accept = Math.random() * 100 < acceptPercent;
              const path = `/api/v1/deliveries/${offer.delivery_id}/offer/${accept ? 'accept' : 'decline'}`;
              const answer = await api()
                .post(path)
                .set(bearer(admin.token))
                .send(accept ? undefined : { reason: 'Simulated decline' });
              if (answer.status !== 200) return void (refused += 1);
              if (!accept) return void (declined += 1);
              accepted += 1;
              await sleep(between(1000, 3000));
              for (const status of ['IN_TRANSIT', 'COMPLETED']) {
                await api()
                  .post(`/api/v1/deliveries/${offer.delivery_id}/status`)
                  .set(bearer(admin.token))
                  .send({ status });
              }
            })(),
          );
        }
        await sleep(500);
      }
      await Promise.all(work);
    };
    const simulated = admins.map(simulate);

    const started = performance.now();
    const ids = await Promise.all(
      Array.from({ length: count }, async () => {
        const res = await api()
          .post('/api/v1/deliveries')
          .set(bearer(partner.token))
          .send(deliveryBody());
        if (res.status !== 201)
          throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body.id as string;
      }),
    );
    const createdMs = performance.now() - started;

    // Settled: every delivery assigned, or back in the queue; no offer left open.
    let settled = { assigned: 0, returned: 0 };
    for (;;) {
      const { rows } = await db.raw<{
        rows: { assigned: number; returned: number; open: number }[];
      }>(
        `select
           count(*) filter (where exists (select 1 from delivery_events e
             where e.delivery_id = d.id and e.type = 'assigned'))::int as assigned,
           count(*) filter (where exists (select 1 from delivery_events e
             where e.delivery_id = d.id and e.type = 'returned_to_queue'))::int as returned,
           (select count(*) from delivery_offers o where o.delivery_id = any(?) and o.status = 'pending')::int as open
         from deliveries d where d.id = any(?)`,
        [ids, ids],
      );
      const row = rows[0]!;
      settled = { assigned: row.assigned, returned: row.returned };
      if (row.assigned + row.returned >= count && row.open === 0) break;
      await sleep(1000);
    }
    const settledMs = performance.now() - started;
    running = false;
    await Promise.all([sampler, ...simulated]);

    const twice = await db('delivery_offers')
      .whereIn('delivery_id', ids)
      .groupBy('delivery_id', 'admin_id')
      .havingRaw('count(*) > 1')
      .select('delivery_id');
    const returnedIds = (await db('delivery_events')
      .whereIn('delivery_id', ids)
      .where({ type: 'returned_to_queue' })
      .pluck('delivery_id')) as string[];
    const told = await db('notifications')
      .whereIn('delivery_id', returnedIds)
      .where({ type: 'delivery.returned_to_queue', user_id: boss.user.id })
      .count<{ n: string }[]>('* as n');
    const offers = await db('delivery_offers')
      .whereIn('delivery_id', ids)
      .select('status')
      .count<{ status: string; n: string }[]>('* as n')
      .groupBy('status');

    console.log(`deliveries ${count}, admins ${adminCount} × capacity ${capacity}`);
    console.log(
      `created in ${(createdMs / 1000).toFixed(1)} s; settled in ${(settledMs / 1000).toFixed(1)} s`,
    );
    console.log(`assigned ${settled.assigned}, back in the queue ${settled.returned}`);
    console.log(`answers: accepted ${accepted}, declined ${declined}, refused (closed) ${refused}`);
    console.log(`offers by status: ${offers.map((o) => `${o.status} ${o.n}`).join(', ')}`);
    console.log(`super admin told of ${told[0]?.n ?? 0} of ${returnedIds.length} returned`);
    console.log(`peak load above capacity: ${peakOverCapacity} (must be <= 0)`);
    console.log(`deliveries offered twice to one admin: ${twice.length}`);
    const ok =
      settled.assigned + settled.returned === count &&
      peakOverCapacity <= 0 &&
      twice.length === 0 &&
      Number(told[0]?.n ?? 0) === returnedIds.length;
    console.log(ok ? 'goal met' : 'GOAL MISSED');
    if (!ok) process.exitCode = 1;
  } finally {
    running = false;
    await stopStack();
  }
}

void main();
