import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { dateIn } from '../../src/deliveries/deadlines';
import { utcDate } from '../../src/domain/utc-date';
import { expectDocumented } from '../support/openapi-contract';
import { stack } from '../support/stack';
import { deliveryBody } from '../support/deliveries';
import { bearer, createUserWithToken } from '../support/users';

const api = () => request(stack().app.callback());
const rowsFor = (partnerId: string) =>
  stack().db('deliveries').where({ partner_id: partnerId }).select('*');

describe('deliveries API: creation and lifecycle', () => {
  it('when a partner requests, a super admin assigns and the admin delivers, then every step answers the delivery and the timeline tells the story', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const admin = await createUserWithToken({ role: 'admin' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const body = deliveryBody({ notes: 'Leave at the door', recipient_phone: '+44 20 7946 0000' });

    const created = await api().post('/api/v1/deliveries').set(bearer(partner.token)).send(body);
    expect(created.status).to.equal(201);
    const id = created.body.id as string;
    expect(created.headers['location']).to.equal(`/api/v1/deliveries/${id}`);
    expect(created.body).to.deep.include({
      status: 'CREATED',
      product_name: body['product_name'],
      delivery_address: body['delivery_address'],
      delivery_date: '2030-01-01',
      recipient_name: 'Ada Lovelace',
      recipient_phone: '+44 20 7946 0000',
      notes: 'Leave at the door',
      partner_id: partner.user.id,
      assigned_to: null,
    });
    expect(created.body.workflow_id).to.match(/^delivery-[0-9a-f]{64}$/);
    expect(created.body.attention).to.equal(null);
    expect(Object.keys(created.body).sort()).to.deep.equal(
      [
        'id',
        'workflow_id',
        'status',
        'product_name',
        'delivery_address',
        'delivery_date',
        'dropoff_window',
        'recipient_name',
        'recipient_phone',
        'recipient_email',
        'notes',
        'proof_required',
        'sandbox',
        'partner_id',
        'assigned_to',
        'failure_reason',
        'proof',
        'attention',
        'tracking_url',
        'created_at',
        'updated_at',
      ].sort(),
    );

    const assigned = await api()
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: admin.user.id });
    expect(assigned.status).to.equal(200);
    expect(assigned.body).to.include({ status: 'ASSIGNED', assigned_to: admin.user.id });

    const moving = await api()
      .post(`/api/v1/deliveries/${id}/status`)
      .set(bearer(admin.token))
      .send({ status: 'IN_TRANSIT' });
    expect(moving.status).to.equal(200);
    expect(moving.body.status).to.equal('IN_TRANSIT');

    const done = await api()
      .post(`/api/v1/deliveries/${id}/status`)
      .set(bearer(admin.token))
      .send({ status: 'COMPLETED', reason: 'Signed by the recipient' });
    expect(done.status).to.equal(200);
    expect(done.body.status).to.equal('COMPLETED');

    const row = await stack().db('deliveries').where({ id }).first();
    expect(row).to.include({ status: 'COMPLETED', assigned_to: admin.user.id });

    const detail = await api().get(`/api/v1/deliveries/${id}`).set(bearer(partner.token));
    expect(detail.status).to.equal(200);
    expect(detail.body).to.include({ id, status: 'COMPLETED' });
    expect(
      detail.body.timeline.map((e: Record<string, unknown>) => [
        e['type'],
        e['from_status'],
        e['to_status'],
        e['actor_id'],
        e['reason'],
      ]),
    ).to.deep.equal([
      ['created', null, 'CREATED', partner.user.id, null],
      ['assigned', 'CREATED', 'ASSIGNED', boss.user.id, null],
      ['status_changed', 'ASSIGNED', 'IN_TRANSIT', admin.user.id, null],
      ['status_changed', 'IN_TRANSIT', 'COMPLETED', admin.user.id, 'Signed by the recipient'],
    ]);
    const times = detail.body.timeline.map((e: { at: string }) => e.at);
    expect([...times].sort()).to.deep.equal(times);
    // Who did what, by name, and to whom it was assigned after each step.
    const name = (who: { user: { first_name: string; last_name: string } }) =>
      `${who.user.first_name} ${who.user.last_name}`;
    expect(
      detail.body.timeline.map((e: Record<string, unknown>) => [
        e['actor_name'],
        e['assigned_to'],
        e['assignee_name'],
      ]),
    ).to.deep.equal([
      [name(partner), null, null],
      [name(boss), admin.user.id, name(admin)],
      [name(admin), admin.user.id, name(admin)],
      [name(admin), admin.user.id, name(admin)],
    ]);

    const handle = stack().client.workflow.getHandle(row.workflow_id);
    expect(await handle.result()).to.include({ status: 'COMPLETED' });
    expect((await handle.describe()).status.name).to.equal('COMPLETED');
  });

  it('when the same request is sent again with keys reordered, then it answers 200 with the same delivery and Idempotent-Replayed', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const body = deliveryBody();
    const first = await api().post('/api/v1/deliveries').set(bearer(partner.token)).send(body);
    expect(first.status).to.equal(201);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(reordered, null, 2));
    expect(again.status).to.equal(200);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.headers['location']).to.equal(undefined);
    expect(again.body).to.deep.equal(first.body);
    expect(await rowsFor(partner.user.id)).to.have.length(1);
  });

  it('when 40 identical requests arrive at once, then one workflow, one row, one 201 and the same id everywhere', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const body = deliveryBody();
    const responses = await Promise.all(
      Array.from({ length: 40 }, () =>
        api().post('/api/v1/deliveries').set(bearer(partner.token)).send(body),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 201),
      `statuses: ${statuses.join(',')}`,
    ).to.have.length(1);
    expect(statuses.filter((s) => s === 200)).to.have.length(39);
    for (const r of responses.filter((r) => r.status === 200)) {
      expect(r.headers['idempotent-replayed']).to.equal('true');
    }
    expect(new Set(responses.map((r) => r.body.id as string)).size).to.equal(1);
    const rows = await rowsFor(partner.user.id);
    expect(rows).to.have.length(1);
    expect(rows[0].id).to.equal(responses[0]?.body.id);
    const runs: string[] = [];
    for await (const wf of stack().client.workflow.list({
      query: `WorkflowId='${rows[0].workflow_id}'`,
    })) {
      runs.push(wf.runId);
    }
    expect(runs.length).to.be.at.most(1); // visibility may lag; the describe below is exact
    const handle = stack().client.workflow.getHandle(rows[0].workflow_id);
    expect((await handle.describe()).status.name).to.equal('RUNNING');
    const events = await stack().db('delivery_events').where({ delivery_id: rows[0].id });
    expect(events).to.have.length(1);
    await handle.terminate('test finished');
  });

  it('when an Idempotency-Key is reused, then the same body replays and another body is refused with 422', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const key = `order-${Date.now()}`;
    const first = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .set('Idempotency-Key', key)
      .send(deliveryBody({ product_name: 'Kettle' }));
    expect(first.status).to.equal(201);
    const replay = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .set('Idempotency-Key', key)
      .send(deliveryBody({ product_name: 'Kettle' }));
    expect(replay.status).to.equal(200);
    expect(replay.body.id).to.equal(first.body.id);
    const other = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .set('Idempotency-Key', key)
      .send(deliveryBody({ product_name: 'Toaster' }));
    expect(other.status).to.equal(422);
    expect(other.body.type).to.match(/\/problems\/idempotency-key-mismatch$/);
    expect(await rowsFor(partner.user.id)).to.have.length(1);

    const someoneElse = await createUserWithToken({ role: 'partner' });
    const theirs = await api()
      .post('/api/v1/deliveries')
      .set(bearer(someoneElse.token))
      .set('Idempotency-Key', key)
      .send(deliveryBody({ product_name: 'Toaster' }));
    expect(theirs.status).to.equal(201);
  });

  it('when an Idempotency-Key is reused with another body before the first is stored, then the workflow refuses it with 422', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const key = `race-${Date.now()}`;
    const send = (product: string) =>
      api()
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .set('Idempotency-Key', key)
        .send(deliveryBody({ product_name: product }));
    const [a, b] = await Promise.all([send('Kettle'), send('Toaster')]);
    expect([a.status, b.status].sort()).to.deep.equal([201, 422]);
    expect(await rowsFor(partner.user.id)).to.have.length(1);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['an unknown field status', deliveryBody({ status: 'COMPLETED' }), 'status'],
    ['a date in the past', deliveryBody({ delivery_date: '2020-01-01' }), 'delivery_date'],
    ['a malformed date', deliveryBody({ delivery_date: '01/02/2030' }), 'delivery_date'],
    ['an empty product name', deliveryBody({ product_name: '' }), 'product_name'],
    ['a product name of spaces only', deliveryBody({ product_name: '   ' }), 'product_name'],
    [
      'an address of blanks only',
      deliveryBody({ delivery_address: ' \t\u00a0' }),
      'delivery_address',
    ],
    [
      'a product name of 201 characters',
      deliveryBody({ product_name: 'x'.repeat(201) }),
      'product_name',
    ],
    [
      'an address of 501 characters',
      deliveryBody({ delivery_address: 'x'.repeat(501) }),
      'delivery_address',
    ],
    ['notes of 2001 characters', deliveryBody({ notes: 'x'.repeat(2001) }), 'notes'],
  ];
  for (const [what, body, field] of invalid) {
    it(`when the body has ${what}, then 400 names ${field} and nothing is stored`, async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const res = await api().post('/api/v1/deliveries').set(bearer(partner.token)).send(body);
      expect(res.status).to.equal(400);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).to.include(field);
      expect(await rowsFor(partner.user.id)).to.have.length(0);
    });
  }

  it('when the partner has not confirmed the email address, then 403 and nothing is started', async () => {
    const partner = await createUserWithToken({ role: 'partner', verified: false });
    const res = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody());
    expect(res.status).to.equal(403);
    expect(res.body.type).to.match(/\/problems\/email-not-verified$/);
    expect(await rowsFor(partner.user.id)).to.have.length(0);
  });

  it('when the delivery date is today (UTC), then it is accepted', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const today = new Date().toISOString().slice(0, 10);
    const res = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody({ delivery_date: today }));
    expect(res.status).to.equal(201);
    expect(res.body.delivery_date).to.equal(today);
  });

  it('when the business time zone is not UTC, then its own today is the earliest delivery date', async () => {
    const timeZone = 'Pacific/Kiritimati';
    const app = createApp({
      ...stack().deps,
      config: { ...stack().config, BUSINESS_TIMEZONE: timeZone },
    });
    const partner = await createUserWithToken({ role: 'partner' });
    const today = dateIn(Date.now(), timeZone);
    const yesterday = utcDate(Date.parse(today) - 86_400_000);
    const create = (date: string) =>
      request(app.callback())
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .send(deliveryBody({ delivery_date: date }));
    // Yesterday there is UTC's today for ten hours a day: accepted, it was overdue at once.
    const refused = await create(yesterday);
    expect(refused.status).to.equal(400);
    expect(refused.body.errors).to.deep.equal([
      { field: 'delivery_date', message: `must be today (${today}, ${timeZone}) or later` },
    ]);
    const accepted = await create(today);
    expect(accepted.status).to.equal(201);
  });

  it('when the Idempotency-Key header is too long, then 400 names it', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const res = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .set('Idempotency-Key', 'k'.repeat(256))
      .send(deliveryBody());
    expect(res.status).to.equal(400);
    expect(res.body.errors).to.deep.equal([
      { field: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' },
    ]);
  });

  it('when deliveries are created, listed and read, then the responses match the OpenAPI document', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const doc = (await api().get('/api/v1/openapi.json')).body;
    const created = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody());
    expectDocumented(doc, '/api/v1/deliveries', 'post', created);
    const list = await api().get('/api/v1/deliveries').set(bearer(partner.token));
    expectDocumented(doc, '/api/v1/deliveries', 'get', list);
    const detail = await api()
      .get(`/api/v1/deliveries/${created.body.id}`)
      .set(bearer(partner.token));
    expectDocumented(doc, '/api/v1/deliveries/{id}', 'get', detail);
  });
});
