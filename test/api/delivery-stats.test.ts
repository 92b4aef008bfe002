import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { deliveryStats } from '../../src/db/repositories/deliveries';
import { dateIn } from '../../src/deliveries/deadlines';
import type { DeliveryStatus } from '../../src/domain/delivery-status';
import { expectDocumented } from '../support/openapi-contract';
import { stack } from '../support/stack';
import { bearer, createUser, createUserWithToken } from '../support/users';

const api = () => request(stack().app.callback());
const STATS = '/api/v1/deliveries/stats';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Step {
  type: 'assigned' | 'status_changed' | 'cancelled';
  from: DeliveryStatus;
  to: DeliveryStatus;
  /** Hours after midnight UTC two days ago. */
  at: number;
}

interface Seeded {
  status: DeliveryStatus;
  /** Hours after midnight UTC two days ago; 10 hours before it when left out. */
  created?: number;
  /** Days after that midnight's date. */
  dueInDays: number;
  windowEnd?: number;
  assignedTo?: string;
  steps: Step[];
}

/**
 * One partner's deliveries written straight into the read model with known times: the workflow
 * is not what is measured, and a lifecycle through the API cannot be dated two days back.
 */
async function seed(partnerId: string, origin: number, deliveries: Seeded[]): Promise<void> {
  const db = stack().db;
  const at = (hours: number) => new Date(origin + hours * HOUR);
  for (const delivery of deliveries) {
    const id = randomUUID();
    const createdHour = delivery.created ?? -10;
    const created = at(createdHour);
    await db('deliveries').insert({
      id,
      workflow_id: `stats-${id}`,
      idempotency_key: `stats-${id}`,
      payload_hash: 'stats',
      status: delivery.status,
      partner_id: partnerId,
      assigned_to: delivery.assignedTo ?? null,
      product_name: 'Stats parcel',
      delivery_address: '1 Count Street',
      delivery_date: new Date(origin + delivery.dueInDays * DAY).toISOString().slice(0, 10),
      dropoff_window_start: delivery.windowEnd === undefined ? null : created,
      dropoff_window_end: delivery.windowEnd === undefined ? null : at(delivery.windowEnd),
      created_at: created,
      updated_at: created,
    });
    const events = [
      { type: 'created', from: null, to: 'CREATED', at: createdHour },
      ...delivery.steps,
    ];
    await db('delivery_events').insert(
      events.map((event, i) => ({
        delivery_id: id,
        event_key: `stats-${id}-${i}`,
        type: event.type,
        from_status: event.from,
        to_status: event.to,
        at: at(event.at),
      })),
    );
  }
}

const assigned = (at: number): Step => ({ type: 'assigned', from: 'CREATED', to: 'ASSIGNED', at });
const moved = (from: DeliveryStatus, to: DeliveryStatus, at: number): Step => ({
  type: to === 'CANCELLED' ? 'cancelled' : 'status_changed',
  from,
  to,
  at,
});
const finished = (to: 'COMPLETED' | 'FAILED', assignedAt: number, at: number): Step[] => [
  assigned(assignedAt),
  moved('ASSIGNED', 'IN_TRANSIT', assignedAt + 0.5),
  moved('IN_TRANSIT', to, at),
];

describe('GET /deliveries/stats', () => {
  let boss: string;
  let partnerId: string;
  let busy: { id: string; name: string };
  let idle: { id: string };
  // Midnight UTC two days ago: every seeded event is before today.
  const origin = Date.parse(`${dateIn(Date.now() - 2 * DAY, 'UTC')}T00:00:00Z`);
  const day = (offset: number) => new Date(origin + offset * DAY).toISOString().slice(0, 10);

  before(async () => {
    boss = (await createUserWithToken({ role: 'super_admin' })).token;
    partnerId = (await createUser({ role: 'partner' })).user.id;
    const first = `Busy${randomUUID().slice(0, 8)}`;
    busy = {
      id: (await createUser({ role: 'admin', first_name: first, last_name: 'Stats' })).user.id,
      name: `${first} Stats`,
    };
    idle = { id: (await createUser({ role: 'admin' })).user.id };
    const holder = idle.id;
    await seed(partnerId, origin, [
      // Created as today began (UTC).
      { status: 'CREATED', created: 48, dueInDays: 3, steps: [] },
      // Completed on its date: on time; created → assigned 1 h, → completed 20 h.
      {
        status: 'COMPLETED',
        dueInDays: 0,
        assignedTo: holder,
        steps: finished('COMPLETED', -9, 10),
      },
      // Completed the day after its date: late; 3 h, 44 h.
      {
        status: 'COMPLETED',
        dueInDays: 0,
        assignedTo: holder,
        steps: finished('COMPLETED', -7, 34),
      },
      // Completed on its date but an hour after its drop-off window: late; 1 h, 20 h.
      {
        status: 'COMPLETED',
        dueInDays: 0,
        windowEnd: 9,
        assignedTo: holder,
        steps: finished('COMPLETED', -9, 10),
      },
      // Failed; 2 h to assignment.
      {
        status: 'FAILED',
        dueInDays: 0,
        assignedTo: holder,
        steps: finished('FAILED', -8, 34),
      },
      // Cancelled before anyone took it, at 20:00 UTC (05:00 the next day in Tokyo).
      {
        status: 'CANCELLED',
        dueInDays: 0,
        steps: [moved('CREATED', 'CANCELLED', 20)],
      },
      // Open, with the busy admin: 4 h and 5 h to assignment.
      {
        status: 'ASSIGNED',
        dueInDays: 2,
        assignedTo: busy.id,
        steps: [assigned(-6)],
      },
      {
        status: 'IN_TRANSIT',
        dueInDays: 2,
        assignedTo: busy.id,
        steps: [assigned(-5), moved('ASSIGNED', 'IN_TRANSIT', 1)],
      },
      { status: 'CREATED', created: 30, dueInDays: 3, steps: [] },
      // Finished 40 days ago: counted per status, outside the 30 days.
      {
        status: 'COMPLETED',
        created: -40 * 24,
        dueInDays: -40,
        assignedTo: holder,
        steps: finished('COMPLETED', -40 * 24 + 1, -40 * 24 + 5),
      },
    ]);
  });

  it("when a partner's deliveries are seeded with known times, then the overview counts them per status, per admin and per day, with the on-time rate and the medians", async () => {
    const res = await api().get(STATS).query({ partner_id: partnerId }).set(bearer(boss));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const stats = res.body;
    expect(stats.time_zone).to.equal('UTC');
    expect(stats.today).to.equal(dateIn(Date.now(), 'UTC'));
    expect(stats.total).to.equal(10);
    expect(stats.created_today).to.equal(1);
    expect(stats.by_status).to.deep.equal({
      CREATED: 2,
      ASSIGNED: 1,
      IN_TRANSIT: 1,
      COMPLETED: 4,
      FAILED: 1,
      CANCELLED: 1,
    });
    expect(stats.admins.find((a: { admin_id: string }) => a.admin_id === busy.id)).to.deep.include({
      name: busy.name,
      ASSIGNED: 1,
      IN_TRANSIT: 1,
      open: 2,
    });
    expect(stats.admins.find((a: { admin_id: string }) => a.admin_id === idle.id)).to.include({
      open: 0,
    });
    expect(stats.days).to.have.length(30);
    expect(stats.days.at(-1).date).to.equal(stats.today);
    const byDate = new Map(stats.days.map((d: { date: string }) => [d.date, d]));
    expect(byDate.get(day(0))).to.deep.equal({
      date: day(0),
      COMPLETED: 2,
      FAILED: 0,
      CANCELLED: 1,
    });
    expect(byDate.get(day(1))).to.deep.equal({
      date: day(1),
      COMPLETED: 1,
      FAILED: 1,
      CANCELLED: 0,
    });
    const finishedInWindow = stats.days.reduce(
      (sum: number, d: Record<string, number>) =>
        sum + d['COMPLETED']! + d['FAILED']! + d['CANCELLED']!,
      0,
    );
    expect(finishedInWindow).to.equal(5);
    expect(stats.on_time).to.deep.equal({ completed: 3, on_time: 1, rate: 1 / 3 });
    // Assignments after 1, 1, 2, 3, 4 and 5 hours; completions after 20, 20 and 44 hours.
    expect(stats.median_seconds).to.deep.equal({
      created_to_assigned: 2.5 * 3600,
      created_to_completed: 20 * 3600,
    });
    expect(stats.temporal_ui).to.equal(null);
  });

  it('when the business time zone is east of UTC, then a delivery cancelled at 20:00 UTC counts on the next day', async () => {
    const stats = await deliveryStats(stack().db, {
      today: dateIn(Date.now(), 'UTC'),
      timeZone: 'Asia/Tokyo',
      partnerId,
    });
    const byDate = new Map(stats.days.map((d) => [d.date, d]));
    expect(byDate.get(day(0))).to.deep.include({ COMPLETED: 2, CANCELLED: 0 });
    expect(byDate.get(day(1))).to.deep.include({ COMPLETED: 1, FAILED: 1, CANCELLED: 1 });
  });

  it('when no partner is named, then every delivery counts and the answer matches the OpenAPI document', async () => {
    const [doc, all] = await Promise.all([
      api().get('/api/v1/openapi.json'),
      api().get(STATS).set(bearer(boss)),
    ]);
    expect(all.status).to.equal(200);
    expect(all.body.total).to.be.at.least(9);
    expect(all.body.by_status.COMPLETED).to.be.at.least(4);
    expectDocumented(doc.body, STATS, 'get', all);
  });

  it('when partner_id is not a UUID, then 400 problem naming the field', async () => {
    const res = await api().get(STATS).query({ partner_id: 'shop-1' }).set(bearer(boss));
    expect(res.status).to.equal(400);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['partner_id']);
  });

  for (const role of ['partner', 'admin'] as const) {
    it(`when the caller's role is ${role}, then 403 problem and no numbers`, async () => {
      const { token } = await createUserWithToken({ role });
      const res = await api().get(STATS).set(bearer(token));
      expect(res.status).to.equal(403);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.body).to.not.have.property('by_status');
    });
  }
});
