import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { findVisibleDelivery } from '../../src/deliveries/change-delivery';
import { listDeliveries } from '../../src/db/repositories/deliveries';
import type { Role } from '../../src/domain/roles';
import { createdDeliveryId, deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

type Who = Awaited<ReturnType<typeof createUserWithToken>>;
const api = () => request(stack().app.callback());

const create = createdDeliveryId;

const post = (who: Who, path: string, body: object) =>
  api().post(`/api/v1/deliveries${path}`).set(bearer(who.token)).send(body);

function expectProblem(res: request.Response, status: number, type: string) {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(res.body.type).to.match(new RegExp(`/problems/${type}$`));
}

describe('deliveries API: visibility and error paths', () => {
  let partner: Who;
  let otherPartner: Who;
  let admin: Who;
  let otherAdmin: Who;
  let boss: Who;
  let tag: string;
  let assignedId: string;

  before(async () => {
    [partner, otherPartner, admin, otherAdmin, boss] = await Promise.all([
      createUserWithToken({ role: 'partner' }),
      createUserWithToken({ role: 'partner' }),
      createUserWithToken({ role: 'admin' }),
      createUserWithToken({ role: 'admin' }),
      createUserWithToken({ role: 'super_admin' }),
    ]);
    tag = randomUUID().slice(0, 8);
    assignedId = await create(partner, { product_name: `Lamp ${tag}` });
    const res = await post(boss, `/${assignedId}/assign`, { admin_id: admin.user.id });
    expect(res.status).to.equal(200);
  });

  const seers = ['partner', 'admin', 'boss'] as const;
  const strangers = ['otherPartner', 'otherAdmin'] as const;
  const who = (name: string): Who =>
    ({ partner, otherPartner, admin, otherAdmin, boss })[name] as Who;

  for (const name of seers) {
    it(`when ${name} reads the delivery, then it is visible in the detail and the list`, async () => {
      const detail = await api()
        .get(`/api/v1/deliveries/${assignedId}`)
        .set(bearer(who(name).token));
      expect(detail.status).to.equal(200);
      expect(detail.body.timeline).to.have.length(2);
      const list = await api()
        .get('/api/v1/deliveries')
        .query({ q: tag })
        .set(bearer(who(name).token));
      expect(list.body.data.map((d: { id: string }) => d.id)).to.deep.equal([assignedId]);
    });
  }
  it('when a role the code does not know asks, then the list is empty and the detail 404', async () => {
    // Before the visibility rule, the list applied no scope at all to such a role.
    const stranger = { id: admin.user.id, email: admin.user.email, role: 'courier' as Role };
    const page = await listDeliveries(stack().db, stranger, {}, { limit: 100 });
    expect(page).to.deep.equal({ rows: [], next_cursor: null });
    let error: unknown;
    try {
      await findVisibleDelivery(stack().db, stranger, assignedId);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.have.property('code', 'not-found');
  });

  for (const name of strangers) {
    it(`when ${name} reads the delivery, then it is 404 and absent from the list`, async () => {
      const detail = await api()
        .get(`/api/v1/deliveries/${assignedId}`)
        .set(bearer(who(name).token));
      expectProblem(detail, 404, 'not-found');
      const list = await api()
        .get('/api/v1/deliveries')
        .query({ q: tag })
        .set(bearer(who(name).token));
      expect(list.body.data).to.deep.equal([]);
    });
  }

  it('when listing with filters and pages, then results are newest first and pages never overlap', async () => {
    const shop = await createUserWithToken({ role: 'partner' });
    const mark = randomUUID().slice(0, 8);
    const ids: string[] = [];
    for (const [i, date] of ['2030-03-01', '2030-03-02', '2030-03-03'].entries()) {
      ids.push(await create(shop, { product_name: `Chair ${mark} ${i}`, delivery_date: date }));
    }
    const first = await api().get('/api/v1/deliveries').query({ limit: 2 }).set(bearer(shop.token));
    expect(first.body.data.map((d: { id: string }) => d.id)).to.deep.equal([ids[2], ids[1]]);
    expect(first.body.next_cursor).to.be.a('string');
    const second = await api()
      .get('/api/v1/deliveries')
      .query({ limit: 2, cursor: first.body.next_cursor })
      .set(bearer(shop.token));
    expect(second.body).to.deep.equal({ data: [second.body.data[0]], next_cursor: null });
    expect(second.body.data[0].id).to.equal(ids[0]);

    const list = (query: Record<string, string>) =>
      api()
        .get('/api/v1/deliveries')
        .query(query)
        .set(bearer(boss.token))
        .then((r) => r.body.data.map((d: { id: string }) => d.id));
    expect(await list({ partner_id: shop.user.id })).to.deep.equal([ids[2], ids[1], ids[0]]);
    expect(
      await list({ partner_id: shop.user.id, date_from: '2030-03-02', date_to: '2030-03-02' }),
    ).to.deep.equal([ids[1]]);
    expect(await list({ q: `chair ${mark} 0` })).to.deep.equal([ids[0]]);
    expect(await list({ partner_id: shop.user.id, status: 'ASSIGNED' })).to.deep.equal([]);
    expect(await list({ assigned_to: admin.user.id, q: tag })).to.deep.equal([assignedId]);
    expect(await list({ status: 'ASSIGNED', q: tag })).to.deep.equal([assignedId]);

    const bad = await api()
      .get('/api/v1/deliveries')
      .query({ cursor: 'nope' })
      .set(bearer(shop.token));
    expectProblem(bad, 400, 'validation');
    const badStatus = await api()
      .get('/api/v1/deliveries')
      .query({ status: 'LOST' })
      .set(bearer(shop.token));
    expectProblem(badStatus, 400, 'validation');
  });

  it('when listing with order=oldest, then the oldest come first and the pages walk forward without overlap', async () => {
    const shop = await createUserWithToken({ role: 'partner' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await create(shop));
    const page = (query: Record<string, string | number>) =>
      api().get('/api/v1/deliveries').query(query).set(bearer(shop.token));
    const first = await page({ order: 'oldest', limit: 2 });
    expect(first.body.data.map((d: { id: string }) => d.id)).to.deep.equal([ids[0], ids[1]]);
    const second = await page({ order: 'oldest', limit: 2, cursor: first.body.next_cursor });
    expect(second.body.data.map((d: { id: string }) => d.id)).to.deep.equal([ids[2]]);
    expect(second.body.next_cursor).to.equal(null);
    expectProblem(await page({ order: 'random' }), 400, 'validation');
  });

  it('when listing by id_prefix, then the start of an id (with or without hyphens, any case) finds its delivery, only where the viewer may see it', async () => {
    const shop = await createUserWithToken({ role: 'partner' });
    const id = await create(shop);
    const ids = (who: Who, id_prefix: string) =>
      api()
        .get('/api/v1/deliveries')
        .query({ id_prefix })
        .set(bearer(who.token))
        .then((r) => r.body.data.map((d: { id: string }) => d.id));
    expect(await ids(shop, id.slice(0, 8))).to.deep.equal([id]);
    expect(await ids(shop, id.slice(0, 13).toUpperCase())).to.deep.equal([id]);
    expect(await ids(shop, id.replace(/-/g, '').slice(0, 20))).to.deep.equal([id]);
    expect(await ids(boss, id)).to.deep.equal([id]);
    expect(await ids(otherPartner, id.slice(0, 8))).to.deep.equal([]);
    const refused = await api()
      .get('/api/v1/deliveries')
      .query({ id_prefix: id.slice(0, 7) })
      .set(bearer(shop.token));
    expectProblem(refused, 400, 'validation');
  });

  it('when q holds spaces, commas, wildcards or spans two fields, then it matches one field literally', async () => {
    const shop = await createUserWithToken({ role: 'partner' });
    const mark = randomUUID().slice(0, 8);
    const id = await create(shop, {
      product_name: `Desk ${mark}`,
      delivery_address: `${mark} Main Road, Springfield`,
      recipient_name: `Ada ${mark}_x%`,
    });
    const found = async (q: string) => {
      const res = await api().get('/api/v1/deliveries').query({ q }).set(bearer(shop.token));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body.data.map((d: { id: string }) => d.id);
    };
    for (const q of ['main road, spr', 'ROAD, SPRINGFIELD', `${mark}_x%`, 'desk']) {
      expect(await found(q), q).to.deep.equal([id]);
    }
    // The index's search text joins the fields and writes spaces and commas as q: neither may
    // make a match.
    for (const q of ['Road Springfield', `${mark} ${mark}`, 'RoadqqSpring', `${mark}_y`, 'Ada_']) {
      expect(await found(q), q).to.deep.equal([]);
    }
  });

  it('when a date filter is year 0000 or a cursor holds an impossible time, then 400, not a database error', async () => {
    // Both pass a plain format check (RFC 3339 allows year 0000) but PostgreSQL refuses them.
    for (const query of [{ date_from: '0000-01-01' }, { date_to: '0000-12-31' }]) {
      const res = await api().get('/api/v1/deliveries').query(query).set(bearer(boss.token));
      expectProblem(res, 400, 'validation');
      expect(res.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(
        Object.keys(query),
      );
    }
    const forged = (ts: string) =>
      Buffer.from(JSON.stringify([ts, randomUUID()])).toString('base64url');
    for (const ts of [
      '2024-99-99T99:99:99.000000Z',
      '2023-02-29T00:00:00.000000Z',
      '0000-01-01T00:00:00.000000Z',
    ]) {
      const res = await api()
        .get('/api/v1/deliveries')
        .query({ cursor: forged(ts) })
        .set(bearer(boss.token));
      expectProblem(res, 400, 'validation');
      expect(res.body.errors).to.deep.equal([
        { field: 'cursor', message: 'is not a cursor this endpoint issued' },
      ]);
    }
  });

  it('when the assignee is not an active admin, then assign answers 422 and nothing changes', async () => {
    const inactive = await createUserWithToken({ role: 'admin', is_active: false });
    for (const target of [partner.user.id, inactive.user.id, boss.user.id, randomUUID()]) {
      const res = await post(boss, `/${assignedId}/assign`, { admin_id: target });
      expectProblem(res, 422, 'unprocessable');
      expect(res.body.errors).to.deep.equal([
        { field: 'admin_id', message: 'must be an active admin' },
      ]);
    }
    const row = await stack().db('deliveries').where({ id: assignedId }).first();
    expect(row.assigned_to).to.equal(admin.user.id);
  });

  it('when roles are wrong for the route, then 403', async () => {
    expectProblem(
      await post(admin, `/${assignedId}/assign`, { admin_id: admin.user.id }),
      403,
      'forbidden',
    );
    expectProblem(
      await post(partner, `/${assignedId}/status`, { status: 'IN_TRANSIT' }),
      403,
      'forbidden',
    );
    expectProblem(await post(admin, `/${assignedId}/cancel`, {}), 403, 'forbidden');
    expectProblem(await post(admin, '', deliveryBody()), 403, 'forbidden');
  });

  it('when a stranger acts on a delivery, then 404', async () => {
    expectProblem(
      await post(otherAdmin, `/${assignedId}/status`, { status: 'IN_TRANSIT' }),
      404,
      'not-found',
    );
    expectProblem(await post(otherPartner, `/${assignedId}/cancel`, {}), 404, 'not-found');
    expectProblem(await post(boss, `/${randomUUID()}/cancel`, {}), 404, 'not-found');
    expectProblem(
      await api().get('/api/v1/deliveries/not-a-uuid').set(bearer(boss.token)),
      400,
      'validation',
    );
  });

  it('when the search text is shorter than 3 characters, then 400 names q', async () => {
    const res = await api().get('/api/v1/deliveries?q=ab').set(bearer(boss.token));
    expectProblem(res, 400, 'validation');
    expect(res.body.errors[0].field).to.equal('q');
  });

  it('when a status is unknown or not settable, then 400', async () => {
    for (const status of ['DELIVERED', 'CANCELLED', 'ASSIGNED']) {
      const res = await post(admin, `/${assignedId}/status`, { status });
      expectProblem(res, 400, 'validation');
      expect(res.body.errors[0].field).to.equal('status');
    }
  });

  it('when a transition skips a step, then 409 lists the allowed next states', async () => {
    const id = await create(partner);
    await post(boss, `/${id}/assign`, { admin_id: admin.user.id });
    const res = await post(admin, `/${id}/status`, { status: 'COMPLETED' });
    expectProblem(res, 409, 'invalid-transition');
    expect(res.body.allowed).to.deep.equal(['ASSIGNED', 'IN_TRANSIT', 'CANCELLED']);
    expect(res.body.current_status).to.equal('ASSIGNED');
  });

  it('when in transit, then cancel and assign are 409 and a super admin may finish it', async () => {
    const id = await create(partner);
    await post(boss, `/${id}/assign`, { admin_id: admin.user.id });
    expect((await post(admin, `/${id}/status`, { status: 'IN_TRANSIT' })).status).to.equal(200);
    const cancel = await post(partner, `/${id}/cancel`, { reason: 'too late' });
    expectProblem(cancel, 409, 'invalid-transition');
    expect(cancel.body.allowed).to.deep.equal(['COMPLETED', 'FAILED']);
    expectProblem(
      await post(boss, `/${id}/assign`, { admin_id: otherAdmin.user.id }),
      409,
      'invalid-transition',
    );
    const failed = await post(boss, `/${id}/status`, {
      status: 'FAILED',
      failure_reason: 'address_not_found',
      reason: 'address unreachable',
    });
    expect(failed.status).to.equal(200);
    expect(failed.body.status).to.equal('FAILED');
  });

  it('when the partner cancels, then 200 CANCELLED and every later change is 409 with nothing allowed', async () => {
    const id = await create(partner);
    const res = await api().post(`/api/v1/deliveries/${id}/cancel`).set(bearer(partner.token));
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ id, status: 'CANCELLED' });
    const again = await post(boss, `/${id}/cancel`, {});
    expectProblem(again, 409, 'invalid-transition');
    expect(again.body.allowed).to.deep.equal([]);
    expectProblem(
      await post(boss, `/${id}/assign`, { admin_id: admin.user.id }),
      409,
      'invalid-transition',
    );
    const detail = await api().get(`/api/v1/deliveries/${id}`).set(bearer(partner.token));
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).to.deep.equal([
      'created',
      'cancelled',
    ]);
  });

  it('when several admins race to finish a delivery over HTTP, then one answers 200 and the others 409', async () => {
    const id = await create(partner);
    await post(boss, `/${id}/assign`, { admin_id: admin.user.id });
    await post(admin, `/${id}/status`, { status: 'IN_TRANSIT' });
    const results = await Promise.all(
      ['COMPLETED', 'FAILED', 'COMPLETED', 'FAILED'].map((status, i) =>
        post(
          i % 2 ? boss : admin,
          `/${id}/status`,
          status === 'FAILED' ? { status, failure_reason: 'damaged' } : { status },
        ),
      ),
    );
    expect(results.map((r) => r.status).sort()).to.deep.equal([200, 409, 409, 409]);
    const events = await stack()
      .db('delivery_events')
      .where({ delivery_id: id, from_status: 'IN_TRANSIT' });
    expect(events).to.have.length(1);
  });
});
