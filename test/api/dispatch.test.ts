import { expect } from 'chai';
import request from 'supertest';
import { createDispatchActivities } from '../../src/activities/dispatch';
import { offerToBestCandidate } from '../../src/db/repositories/dispatch';
import { notificationSettingsFrom } from '../../src/notifications/notification-settings';
import { acceptOfferUpdate, getDeliveryQuery } from '../../src/workflows/delivery-messages';
import { deliveryBody, startDelivery } from '../support/deliveries';
import { changeArgs } from '../support/delivery-input';
import { expectDocumented } from '../support/openapi-contract';
import { stack } from '../support/stack';
import { bearer, createUserWithToken, type TestUser } from '../support/users';
import { startTestWorker } from '../support/test-worker';
import { waitFor } from '../support/wait-for';

const api = () => request(stack().app.callback());
type Caller = TestUser & { token: string };

const offersOf = (deliveryId: string) =>
  stack().db('delivery_offers').where({ delivery_id: deliveryId }).orderBy('number');
const eventTypes = async (deliveryId: string) =>
  (await stack()
    .db('delivery_events')
    .where({ delivery_id: deliveryId })
    .orderBy('seq')
    .pluck('type')) as string[];

/**
 * Auto-dispatch offers to any available admin of the database, and the tests share one: each test
 * that dispatches makes every other admin unavailable while it runs and gives them back after.
 */
async function onlyThese(admins: Caller[]): Promise<() => Promise<void>> {
  const { db } = stack();
  const others = (await db('users')
    .where({ role: 'admin', available: true })
    .whereNotIn(
      'id',
      admins.map((a) => a.user.id),
    )
    .pluck('id')) as string[];
  await db('users').whereIn('id', others).update({ available: false });
  return async () => {
    await db('users').whereIn('id', others).update({ available: true });
  };
}

describe('offers and auto-dispatch through the API (real Temporal and PostgreSQL)', function () {
  this.timeout(120_000);
  let boss: Caller;
  let partner: Caller;

  before(async () => {
    boss = await createUserWithToken({ role: 'super_admin' });
    partner = await createUserWithToken({ role: 'partner' });
  });

  async function setDispatch(body: object) {
    const res = await api().put('/api/v1/settings/dispatch').set(bearer(boss.token)).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res;
  }

  /** A delivery created through the API in auto mode with ten-minute offers; its id. */
  async function createdInAutoMode(overrides: Record<string, unknown> = {}): Promise<string> {
    await setDispatch({ mode: 'auto', offer_timeout_seconds: 600, max_offers: 3 });
    const created = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody(overrides));
    expect(created.status).to.equal(201);
    return created.body.id as string;
  }

  // Other suites create deliveries expecting today's manual behaviour.
  afterEach(async () => {
    await setDispatch({ mode: 'manual', offer_timeout_seconds: 120, max_offers: 3 });
  });

  it('when a super admin saves the dispatch settings, then they are read back, documented, and a bad value is a problem naming the field', async () => {
    const saved = await setDispatch({ mode: 'auto', offer_timeout_seconds: 60, max_offers: 2 });
    expect(saved.body).to.deep.equal({ mode: 'auto', offer_timeout_seconds: 60, max_offers: 2 });
    const [doc, read] = await Promise.all([
      api().get('/api/v1/openapi.json'),
      api().get('/api/v1/settings/dispatch').set(bearer(boss.token)),
    ]);
    expect(read.body).to.deep.equal(saved.body);
    expectDocumented(doc.body, '/api/v1/settings/dispatch', 'get', read);

    const bad = await api()
      .put('/api/v1/settings/dispatch')
      .set(bearer(boss.token))
      .send({ mode: 'robots', offer_timeout_seconds: 1, max_offers: 3 });
    expect(bad.status).to.equal(400);
    expect(bad.headers['content-type']).to.match(/^application\/problem\+json/);
    const fields = (bad.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).to.include.members(['mode', 'offer_timeout_seconds']);

    // The numbers may be left out, as the document says: each takes its default.
    const modeOnly = await setDispatch({ mode: 'auto' });
    expect(modeOnly.body).to.deep.equal({
      mode: 'auto',
      offer_timeout_seconds: 120,
      max_offers: 3,
    });
    const put = doc.body.paths['/api/v1/settings/dispatch'].put;
    const required = put.requestBody.content['application/json'].schema.required as string[];
    expect(required).to.deep.equal(['mode']);
  });

  it('when an admin goes unavailable and a super admin sets its capacity, then the workload shows both with the open count', async () => {
    const admin = await createUserWithToken({ role: 'admin' });
    const off = await api()
      .put('/api/v1/users/me/availability')
      .set(bearer(admin.token))
      .send({ available: false });
    expect(off.body).to.deep.equal({ user_id: admin.user.id, available: false });
    const read = await api().get('/api/v1/users/me/availability').set(bearer(admin.token));
    expect(read.body).to.deep.equal(off.body);
    const cap = await api()
      .put(`/api/v1/users/${admin.user.id}/capacity`)
      .set(bearer(boss.token))
      .send({ capacity: 4 });
    expect(cap.body).to.deep.equal({ admin_id: admin.user.id, capacity: 4 });
    const workload = await api().get('/api/v1/admins/workload').set(bearer(boss.token));
    const row = (workload.body.data as { admin_id: string }[]).find(
      (r) => r.admin_id === admin.user.id,
    );
    expect(row).to.include({
      available: false,
      capacity: 4,
      open_deliveries: 0,
      pending_offers: 0,
    });
    expect(await stack().db('users').where({ id: admin.user.id }).first()).to.include({
      available: false,
      capacity: 4,
    });

    const notAdmin = await api()
      .put(`/api/v1/users/${partner.user.id}/capacity`)
      .set(bearer(boss.token))
      .send({ capacity: 4 });
    expect(notAdmin.status).to.equal(404);
    expect(notAdmin.body.type).to.match(/not-found$/);
  });

  it('when a delivery is created in auto mode, then the first admin may decline with a reason, the next accepts and is assigned, and a late accept by the first is a 409 saying so', async () => {
    const ada = await createUserWithToken({ role: 'admin', first_name: 'Ada' });
    const bob = await createUserWithToken({ role: 'admin', first_name: 'Bob' });
    const restore = await onlyThese([ada, bob]);
    try {
      const id = await createdInAutoMode({ notes: 'Gate code 4711', proof_required: true });
      const first = await waitFor(async () => (await offersOf(id))[0], 'the first offer');
      const [holder, other] = first.admin_id === ada.user.id ? [ada, bob] : [bob, ada];

      const listed = await api().get('/api/v1/offers').set(bearer(holder.token));
      expect(listed.body.data).to.have.length(1);
      expect(listed.body.data[0]).to.include({
        delivery_id: id,
        admin_id: holder.user.id,
        number: 1,
        status: 'pending',
        notes: 'Gate code 4711',
        proof_required: true,
      });
      // What the courier weighs, not who the recipient is: that comes with the assignment.
      expect(listed.body.data[0]).not.to.have.any.keys(
        'recipient_name',
        'recipient_phone',
        'recipient_email',
      );
      const all = await api().get('/api/v1/offers').set(bearer(boss.token));
      expect(all.body.data.map((o: { delivery_id: string }) => o.delivery_id)).to.include(id);
      const notMine = await api()
        .post(`/api/v1/deliveries/${id}/offer/accept`)
        .set(bearer(other.token));
      expect(notMine.status).to.equal(404);

      const declined = await api()
        .post(`/api/v1/deliveries/${id}/offer/decline`)
        .set(bearer(holder.token))
        .send({ reason: 'Van is full' });
      expect(declined.status, JSON.stringify(declined.body)).to.equal(200);
      const second = await waitFor(async () => (await offersOf(id))[1], 'the second offer');
      expect(second.admin_id).to.equal(other.user.id);

      const accept = () =>
        api()
          .post(`/api/v1/deliveries/${id}/offer/accept`)
          .set(bearer(other.token))
          .set('Idempotency-Key', 'tap-1');
      const accepted = await accept();
      expect(accepted.status, JSON.stringify(accepted.body)).to.equal(200);
      expect(accepted.body).to.include({ status: 'ASSIGNED', assigned_to: other.user.id });
      // A repeated tap (a lost answer) gets the first answer, not a refusal.
      const repeated = await accept();
      expect(repeated.status).to.equal(200);
      expect(repeated.headers['idempotent-replayed']).to.equal('true');

      const late = await api()
        .post(`/api/v1/deliveries/${id}/offer/accept`)
        .set(bearer(holder.token));
      expect(late.status).to.equal(409);
      expect(late.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(late.body).to.include({ offer_status: 'declined' });
      expect(late.body.type).to.match(/offer-not-pending$/);
      expect(late.body.detail).to.match(/declined/);

      const offers = await offersOf(id);
      expect(offers.map((o: { status: string }) => o.status)).to.deep.equal([
        'declined',
        'accepted',
      ]);
      const metrics = (await api().get('/metrics')).text;
      for (const type of ['accept_offer', 'decline_offer']) {
        expect(metrics).to.match(
          new RegExp(`^delivery_changes_total\\{type="${type}",outcome="applied"\\} [1-9]`, 'm'),
        );
      }
      expect(offers[0].reason).to.equal('Van is full');
      expect(await eventTypes(id)).to.deep.equal([
        'created',
        'offered',
        'offer_declined',
        'offered',
        'assigned',
      ]);
      const notices = await stack()
        .db('notifications')
        .where({ delivery_id: id, type: 'delivery.offered' })
        .pluck('user_id');
      expect(notices.sort()).to.deep.equal([ada.user.id, bob.user.id].sort());
      // The offer email opens the admin's offers: the delivery's own page is not theirs yet.
      const email = await waitFor(
        () =>
          stack()
            .db('email_messages')
            .where({ to_address: holder.user.email, tag: 'delivery.offered' })
            .first(),
        'the offer email',
      );
      expect(email.text_body).to.include(`${stack().config.PUBLIC_URL}/console#/offers`);
    } finally {
      await restore();
    }
  });

  it('when a super admin assigns by hand while an offer is pending, then the offer is withdrawn, its admin told, and its accept is a 409 saying so', async () => {
    const ada = await createUserWithToken({ role: 'admin' });
    const other = await createUserWithToken({ role: 'admin' });
    const restore = await onlyThese([ada]);
    try {
      const id = await createdInAutoMode();
      await waitFor(async () => (await offersOf(id))[0], 'the offer');
      const assigned = await api()
        .post(`/api/v1/deliveries/${id}/assign`)
        .set(bearer(boss.token))
        .send({ admin_id: other.user.id });
      expect(assigned.status).to.equal(200);

      const late = await api().post(`/api/v1/deliveries/${id}/offer/accept`).set(bearer(ada.token));
      expect(late.status).to.equal(409);
      expect(late.body).to.include({ offer_status: 'withdrawn' });
      expect(late.body.detail).to.match(/withdrawn/);
      const [offer] = await offersOf(id);
      expect(offer).to.include({ status: 'withdrawn', admin_id: ada.user.id });
      expect(await eventTypes(id)).to.deep.equal([
        'created',
        'offered',
        'offer_withdrawn',
        'assigned',
      ]);
      const told = await stack()
        .db('notifications')
        .where({ delivery_id: id, user_id: ada.user.id })
        .orderBy('seq')
        .pluck('type');
      expect(told).to.deep.equal(['delivery.offered', 'delivery.offer_withdrawn']);
    } finally {
      await restore();
    }
  });

  it('when the worker is down while an offer runs out, then a restarted worker expires it and offers the next admin: the offer is a durable timer', async () => {
    const admins = await Promise.all([1, 2].map(() => createUserWithToken({ role: 'admin' })));
    const restore = await onlyThese(admins);
    let worker = await startTestWorker();
    try {
      const dispatch = { mode: 'auto' as const, offerTimeoutSeconds: 2, maxOffers: 3 };
      const { input, handle } = await startDelivery({ dispatch, taskQueue: worker.taskQueue });
      const first = await waitFor(async () => (await offersOf(input.deliveryId))[0], 'an offer');
      await worker.stop();
      // The deadline passes with no worker polling.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await offersOf(input.deliveryId))[0].status).to.equal('pending');
      worker = await startTestWorker({ taskQueue: worker.taskQueue });
      const second = await waitFor(
        async () => (await offersOf(input.deliveryId))[1],
        'the next offer',
      );
      expect(second.admin_id).not.to.equal(first.admin_id);
      expect((await offersOf(input.deliveryId))[0].status).to.equal('expired');
      await handle.terminate('test finished');
    } finally {
      await worker.stop();
      await restore();
    }
  });

  it('when accepts race the offer timeout, then each offer has exactly one outcome: accepted and assigned, or expired and refused', async () => {
    const admins = await Promise.all(
      [1, 2, 3, 4].map(() => createUserWithToken({ role: 'admin' })),
    );
    const restore = await onlyThese(admins);
    try {
      // Offers of one second (below the API's minimum; the workflow takes what its input says).
      const dispatch = { mode: 'auto' as const, offerTimeoutSeconds: 1, maxOffers: 1 };
      const deliveries = await Promise.all(admins.map(() => startDelivery({ dispatch })));
      const outcomes = await Promise.all(
        deliveries.map(async ({ handle, input }) => {
          const offer = await waitFor(
            async () => (await offersOf(input.deliveryId))[0],
            'an offer',
          );
          // Answer right at the deadline, so some land before the timer and some after.
          const wait = new Date(offer.expires_at).getTime() - Date.now();
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
          const actor = { id: offer.admin_id as string, role: 'admin' as const };
          const accepted = await handle
            .executeUpdate(acceptOfferUpdate, { args: [changeArgs(actor)] })
            .then(
              () => true,
              () => false,
            );
          return { id: input.deliveryId, accepted };
        }),
      );
      for (const { id, accepted } of outcomes) {
        const settled = await waitFor(async () => {
          const types = await eventTypes(id);
          return types.includes('assigned') || types.includes('returned_to_queue')
            ? types
            : undefined;
        }, 'an outcome');
        const [offer] = await offersOf(id);
        if (accepted) {
          expect(offer.status).to.equal('accepted');
          expect(settled).to.include('assigned');
          expect(settled).not.to.include('offer_expired');
        } else {
          expect(offer.status).to.equal('expired');
          expect(settled).to.include.members(['offer_expired', 'returned_to_queue']);
          expect(settled).not.to.include('assigned');
        }
      }
      // The super admins' queue of deliveries that came back for a human holds the expired ones.
      const queue = await api()
        .get('/api/v1/deliveries?returned_to_queue=true&limit=100')
        .set(bearer(boss.token));
      const queued = (queue.body.data as { id: string }[]).map((d) => d.id);
      for (const { id, accepted } of outcomes) expect(queued.includes(id)).to.equal(!accepted);
      const notices = await stack()
        .db('notifications')
        .whereIn(
          'delivery_id',
          outcomes.filter((o) => !o.accepted).map((o) => o.id),
        )
        .where({ type: 'delivery.returned_to_queue', user_id: boss.user.id });
      expect(notices).to.have.length(outcomes.filter((o) => !o.accepted).length);
      await Promise.all(deliveries.map(({ handle }) => handle.terminate('test finished')));
    } finally {
      await restore();
    }
  });

  it('when many deliveries pick at once, then the best candidates are offered in order and no admin is pushed above capacity', async () => {
    const admins = await Promise.all([1, 2, 3].map(() => createUserWithToken({ role: 'admin' })));
    const restore = await onlyThese(admins);
    const { db, config } = stack();
    try {
      await db('users')
        .whereIn(
          'id',
          admins.map((a) => a.user.id),
        )
        .update({ capacity: 2 });
      // Ranking: never offered first, then the longest since the last offer.
      await db('users').where({ id: admins[0]!.user.id }).update({ last_offered_at: '2020-01-02' });
      await db('users').where({ id: admins[1]!.user.id }).update({ last_offered_at: '2020-01-01' });
      const deliveries = await Promise.all(
        Array.from({ length: 8 }, () => startDelivery({ partnerId: partner.user.id })),
      );
      const first = await db.transaction((trx) =>
        offerToBestCandidate(trx, {
          deliveryId: deliveries[0]!.input.deliveryId,
          number: 1,
          offeredAt: new Date().toISOString(),
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        }),
      );
      expect(first?.admin.id).to.equal(admins[2]!.user.id);

      const activities = createDispatchActivities(db, notificationSettingsFrom(config));
      const at = new Date().toISOString();
      const made = await Promise.all(
        deliveries.slice(1).map(({ input, handle }) =>
          handle.query(getDeliveryQuery).then((delivery) =>
            activities.offerDelivery({
              eventKey: `${input.deliveryId}:offer-1`,
              at,
              number: 1,
              expiresAt: new Date(Date.now() + 60_000).toISOString(),
              delivery,
            }),
          ),
        ),
      );
      const picked = made.map((m) => m.adminId);
      // Six places in all (3 admins × 2), one already taken: five offers, two refused.
      expect(picked.filter((id) => id === null)).to.have.length(2);
      const pending = (await db('delivery_offers')
        .whereIn(
          'admin_id',
          admins.map((a) => a.user.id),
        )
        .where({ status: 'pending' })
        .select('admin_id')
        .count('* as n')
        .groupBy('admin_id')) as { admin_id: string; n: string }[];
      expect(pending.map((p) => Number(p.n))).to.deep.equal([2, 2, 2]);
      await Promise.all(deliveries.map(({ handle }) => handle.terminate('test finished')));
    } finally {
      await restore();
    }
  });
});
