/**
 * Auto-dispatch under a burst (issue 20's goal): N deliveries created at once in `auto` mode for
 * A available admins of capacity C, each admin simulated: it polls its offers, answers each after
 * 1–5 s, accepts 70% (then takes the delivery to COMPLETED 1–3 s later, freeing its place) and
 * declines the rest, trying a 503 or 429 again after its Retry-After under the same
 * Idempotency-Key, as a real client does. Throughout, every admin's load (open deliveries +
 * unanswered offers) is sampled against its capacity. At the end: every delivery is assigned or back in the queue with
 * its super admins notified, no admin ever went above capacity, no delivery was offered twice to
 * one admin. The platform's dispatch settings are put back to `manual` afterwards.
 *
 * In `npm run bench` it is phase 10, before the lists, against the API over HTTP and the separate
 * worker process.
 * Alone: `npx tsx bench/dispatch.ts` starts the test stack (worker in process), prints the numbers
 * and stops. Options: BENCH_DISPATCH (1; 0 skips it in `npm run bench`),
 * BENCH_DISPATCH_DELIVERIES (1000), BENCH_DISPATCH_ADMINS (10), BENCH_DISPATCH_CAPACITY (20),
 * BENCH_DISPATCH_ACCEPT_PERCENT (70).
 */
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import request from 'supertest';
import { closeServer, listen } from '../src/api/listen';
import { baseUrl } from '../test/support/base-url';
import { deliveryBody } from '../test/support/deliveries';
import { startStack, stopStack } from '../test/support/stack';
import { bearer, createUserWithToken } from '../test/support/users';
import { autoDispatchMet, describeAutoDispatch, type AutoDispatchRecord } from './report';
import { intOption, runScript, sleep } from './support';

type Caller = Awaited<ReturnType<typeof createUserWithToken>>;

/** Short enough that the burst settles in about a minute; the product's default is 120 s. */
const OFFER_TIMEOUT_SECONDS = 10;
const MAX_OFFERS = 3;
/** Tries of one answer or status change before the simulated admin gives up on it. */
const MAX_ATTEMPTS = 10;

const between = (lowMs: number, highMs: number) => lowMs + Math.random() * (highMs - lowMs);

export interface AutoDispatchSettings {
  baseUrl: string;
  db: Knex;
  deliveries: number;
  admins: number;
  capacity: number;
  acceptPercent: number;
}

/** The largest (open deliveries + pending offers) − capacity over the admins, now. */
async function peakOverCapacity(db: Knex, adminIds: string[]): Promise<number> {
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
  return rows[0]?.over ?? -Infinity;
}

/** Assigned at least once, back in the queue at least once, and offers still pending. */
async function settledCounts(db: Knex, ids: string[]) {
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
  return rows[0]!;
}

export async function benchAutoDispatch(
  settings: AutoDispatchSettings,
): Promise<AutoDispatchRecord> {
  const { db, deliveries: count, capacity, acceptPercent } = settings;
  const api = () => request(settings.baseUrl);
  const boss = await createUserWithToken({ role: 'super_admin' });
  const partner = await createUserWithToken({ role: 'partner' });
  // Only the simulated admins take offers: everyone else the run made is set unavailable.
  await db('users').where({ role: 'admin' }).update({ available: false });
  const admins: Caller[] = [];
  for (let i = 0; i < settings.admins; i += 1)
    admins.push(await createUserWithToken({ role: 'admin' }));
  const adminIds = admins.map((a) => a.user.id);
  await db('users').whereIn('id', adminIds).update({ capacity });
  const dispatch = async (body: object) => {
    const res = await api().put('/api/v1/settings/dispatch').set(bearer(boss.token)).send(body);
    if (res.status !== 200) throw new Error(`dispatch settings: ${res.status} ${res.text}`);
  };
  await dispatch({
    mode: 'auto',
    offer_timeout_seconds: OFFER_TIMEOUT_SECONDS,
    max_offers: MAX_OFFERS,
  });

  let running = true;
  let peak = -Infinity;
  const answers = { accepted: 0, declined: 0, retried: 0, refused: {} as Record<string, number> };
  try {
    const sampler = (async () => {
      while (running) {
        peak = Math.max(peak, await peakOverCapacity(db, adminIds));
        await sleep(250);
      }
    })();

    // As an integration or the console does: a 503 or 429 is tried again after its Retry-After
    // under the same Idempotency-Key, so an accept the platform took late is not taken for lost.
    const post = async (admin: Caller, path: string, body: object | undefined, key: string) => {
      for (let attempt = 1; ; attempt += 1) {
        const res = await api()
          .post(path)
          .set(bearer(admin.token))
          .set('Idempotency-Key', key)
          .send(body);
        if (![503, 429].includes(res.status) || attempt === MAX_ATTEMPTS) return res;
        answers.retried += 1;
        await sleep(Number(res.headers['retry-after'] ?? 1) * 1000);
      }
    };
    const answer = async (admin: Caller, deliveryId: string) => {
      await sleep(between(1000, 5000));
      const verb = Math.random() * 100 < acceptPercent ? 'accept' : 'decline';
      const res = await post(
        admin,
        `/api/v1/deliveries/${deliveryId}/offer/${verb}`,
        verb === 'accept' ? undefined : { reason: 'Simulated decline' },
        `${deliveryId}-${verb}`,
      );
      if (res.status !== 200) {
        answers.refused[res.status] = (answers.refused[res.status] ?? 0) + 1;
        return;
      }
      if (verb === 'decline') return void (answers.declined += 1);
      answers.accepted += 1;
      await sleep(between(1000, 3000));
      for (const status of ['IN_TRANSIT', 'COMPLETED']) {
        const path = `/api/v1/deliveries/${deliveryId}/status`;
        await post(admin, path, { status }, `${deliveryId}-${status}`);
      }
    };
    const simulate = async (admin: Caller) => {
      const seen = new Set<string>();
      const work: Promise<void>[] = [];
      while (running) {
        const res = await api().get('/api/v1/offers').set(bearer(admin.token));
        for (const offer of (res.body.data ?? []) as { delivery_id: string }[]) {
          if (seen.has(offer.delivery_id)) continue;
          seen.add(offer.delivery_id);
          work.push(answer(admin, offer.delivery_id));
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
    let settled = await settledCounts(db, ids);
    while (settled.assigned + settled.returned < count || settled.open > 0) {
      await sleep(1000);
      settled = await settledCounts(db, ids);
    }
    const settledMs = performance.now() - started;
    running = false;
    await Promise.all([sampler, ...simulated]);

    const offeredTwice = await db('delivery_offers')
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
    return {
      deliveries: count,
      admins: settings.admins,
      capacity,
      acceptPercent,
      offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS,
      maxOffers: MAX_OFFERS,
      createdMs,
      settledMs,
      assigned: settled.assigned,
      returned: settled.returned,
      answers,
      offersByStatus: Object.fromEntries(offers.map((o) => [o.status, Number(o.n)])),
      returnedNotified: Number(told[0]?.n ?? 0),
      peakOverCapacity: peak,
      offeredTwice: offeredTwice.length,
    };
  } finally {
    running = false;
    await dispatch({ mode: 'manual' });
  }
}

async function main(): Promise<void> {
  const stack = await startStack();
  const server = await listen(stack.app, 0, '127.0.0.1');
  try {
    const record = await benchAutoDispatch({
      baseUrl: baseUrl(server),
      db: stack.db,
      deliveries: intOption('BENCH_DISPATCH_DELIVERIES', 1000),
      admins: intOption('BENCH_DISPATCH_ADMINS', 10),
      capacity: intOption('BENCH_DISPATCH_CAPACITY', 20),
      acceptPercent: intOption('BENCH_DISPATCH_ACCEPT_PERCENT', 70),
    });
    console.log(describeAutoDispatch(record));
    if (!autoDispatchMet(record)) throw new Error('auto-dispatch: the goal was missed');
    console.log('goal met');
  } finally {
    await closeServer(server);
    await stopStack();
  }
}

if (require.main === module) runScript(main);
