import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { expectDocumented } from '../support/openapi-contract';
import { deliveryBody, deliveryThrough } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

const api = () => request(stack().app.callback());
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const window = (startHours: number, endHours: number) => ({
  start: hoursFromNow(startHours),
  end: hoursFromNow(endHours),
});
const fieldsOf = (body: { errors?: { field: string; message: string }[] }) =>
  (body.errors ?? []).map((e) => e.field);

async function documentFor() {
  return (await api().get('/api/v1/openapi.json')).body as Parameters<typeof expectDocumented>[0];
}

describe('deliveries API: windows, recipients and tracking links', () => {
  it('when a partner gives a window and a recipient email but no date, then the date is the window end date and the answer carries a random tracking link', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const dropoff = window(30, 32);
    const res = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send({
        product_name: `Lamp ${randomUUID()}`,
        delivery_address: '1 Main St',
        dropoff_window: dropoff,
        recipient_email: 'ada@example.com',
        proof_required: true,
      });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({
      delivery_date: dropoff.end.slice(0, 10), // BUSINESS_TIMEZONE is UTC in the test stack
      recipient_email: 'ada@example.com',
      proof_required: true,
      failure_reason: null,
      proof: null,
    });
    expect(res.body.dropoff_window).to.deep.equal(dropoff);
    const prefix = `${stack().config.PUBLIC_URL}/track/`;
    expect(res.body.tracking_url.startsWith(prefix)).to.equal(true);
    const token = (res.body.tracking_url as string).slice(prefix.length);
    expect(token).to.match(/^[A-Za-z0-9_-]{32,}$/); // at least 192 bits
    expect(token).not.to.include(res.body.id).and.not.to.include(res.body.workflow_id);
    const row = await stack().db('deliveries').where({ id: res.body.id }).first();
    expect(row.tracking_token).to.equal(token);
    expectDocumented(await documentFor(), '/api/v1/deliveries', 'post', res);
  });

  const refusals: [string, Record<string, unknown>, number, string][] = [
    ['neither a date nor a window', { delivery_date: undefined }, 400, 'delivery_date'],
    ['a window that has started', { dropoff_window: window(-1, 2) }, 400, 'dropoff_window.start'],
    [
      'a window that ends before it starts',
      { dropoff_window: window(5, 4) },
      400,
      'dropoff_window.end',
    ],
    [
      'a window of more than 7 days',
      { dropoff_window: window(1, 1 + 24 * 7 + 1) },
      400,
      'dropoff_window.end',
    ],
    [
      'a date the window contradicts',
      { delivery_date: '2031-01-01', dropoff_window: window(30, 32) },
      422,
      'delivery_date',
    ],
    [
      'a recipient email that is not one',
      { recipient_email: 'not-an-email' },
      400,
      'recipient_email',
    ],
  ];
  for (const [what, overrides, status, field] of refusals) {
    it(`when a create has ${what}, then ${status} names ${field} and nothing is stored`, async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const body = deliveryBody(overrides);
      const res = await api().post('/api/v1/deliveries').set(bearer(partner.token)).send(body);
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(fieldsOf(res.body)).to.deep.equal([field]);
      expect(await stack().db('deliveries').where({ partner_id: partner.user.id })).to.have.length(
        0,
      );
    });
  }

  it('when the same Idempotency-Key comes with another recipient email, then 422 idempotency-key-mismatch: the new fields are part of the request', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const body = deliveryBody({ recipient_email: 'ada@example.com' });
    const send = (b: object) =>
      api()
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .set('Idempotency-Key', 'order-7')
        .send(b);
    expect((await send(body)).status).to.equal(201);
    expect((await send(body)).status).to.equal(200);
    const other = await send({ ...body, recipient_email: 'grace@example.com' });
    expect(other.status).to.equal(422);
    expect(other.body.type).to.match(/idempotency-key-mismatch$/);
  });

  it('when the partner replaces the tracking link, then the delivery answers a new one, the old token is gone, and others cannot', async () => {
    const { id, partner, admin } = await deliveryThrough('CREATED');
    const before = await stack().db('deliveries').where({ id }).first();
    const res = await api()
      .post(`/api/v1/deliveries/${id}/tracking-link`)
      .set(bearer(partner.token));
    expect(res.status).to.equal(200);
    const after = await stack().db('deliveries').where({ id }).first();
    expect(after.tracking_token).not.to.equal(before.tracking_token);
    expect(res.body.tracking_url).to.equal(
      `${stack().config.PUBLIC_URL}/track/${after.tracking_token}`,
    );
    expect(
      (await api().get(`/api/v1/deliveries/${id}`).set(bearer(partner.token))).body.tracking_url,
    ).to.equal(res.body.tracking_url);
    const stranger = await createUserWithToken({ role: 'partner' });
    expect(
      (await api().post(`/api/v1/deliveries/${id}/tracking-link`).set(bearer(stranger.token)))
        .status,
    ).to.equal(404);
    expect(
      (await api().post(`/api/v1/deliveries/${id}/tracking-link`).set(bearer(admin.token))).status,
    ).to.equal(403);
    expect((await stack().db('deliveries').where({ id }).first()).tracking_token).to.equal(
      after.tracking_token,
    );
  });
});

describe('deliveries API: failure reasons and proof of delivery', () => {
  const status = (id: string, token: string, body: object) =>
    api().post(`/api/v1/deliveries/${id}/status`).set(bearer(token)).send(body);

  const badFailures: [string, object, string, string][] = [
    [
      'no failure_reason',
      { status: 'FAILED', reason: 'nobody home' },
      'failure_reason',
      'is required when the status is FAILED',
    ],
    [
      'an unknown failure_reason',
      { status: 'FAILED', failure_reason: 'weather' },
      'failure_reason',
      'must be one of: recipient_unavailable, address_not_found, refused, damaged, other',
    ],
    [
      'other without a reason',
      { status: 'FAILED', failure_reason: 'other' },
      'reason',
      'is required when the failure_reason is other',
    ],
    [
      'a failure_reason on COMPLETED',
      { status: 'COMPLETED', failure_reason: 'damaged' },
      'failure_reason',
      'goes with the status FAILED only',
    ],
    [
      'a proof on FAILED',
      {
        status: 'FAILED',
        failure_reason: 'refused',
        proof: { received_by: 'Ann', attachment_ids: [] },
      },
      'proof',
      'goes with the status COMPLETED only',
    ],
  ];
  for (const [what, body, field, message] of badFailures) {
    it(`when a status change has ${what}, then 400 names ${field} and the delivery does not move`, async () => {
      const { id, admin } = await deliveryThrough('IN_TRANSIT');
      const res = await status(id, admin.token, body);
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.errors).to.deep.equal([{ field, message }]);
      expect((await stack().db('deliveries').where({ id }).first()).status).to.equal('IN_TRANSIT');
    });
  }

  it('when the courier fails it with a code, then the code is on the delivery and its timeline event', async () => {
    const { id, admin, partner } = await deliveryThrough('IN_TRANSIT');
    const res = await status(id, admin.token, {
      status: 'FAILED',
      failure_reason: 'recipient_unavailable',
      reason: 'Rang twice',
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ status: 'FAILED', failure_reason: 'recipient_unavailable' });
    const detail = await api().get(`/api/v1/deliveries/${id}`).set(bearer(partner.token));
    expect(detail.body.failure_reason).to.equal('recipient_unavailable');
    expect(detail.body.timeline.at(-1)).to.include({
      to_status: 'FAILED',
      failure_reason: 'recipient_unavailable',
      reason: 'Rang twice',
      proof: null,
    });
    expectDocumented(await documentFor(), '/api/v1/deliveries/{id}', 'get', detail);
  });

  it("when a proof_required delivery is completed without a photo, or with another delivery's, then 422 names the proof and it stays IN_TRANSIT", async () => {
    const { id, admin } = await deliveryThrough(
      'IN_TRANSIT',
      deliveryBody({ proof_required: true }),
    );
    const bare = await status(id, admin.token, { status: 'COMPLETED' });
    expect(bare.status).to.equal(422);
    expect(fieldsOf(bare.body)).to.deep.equal(['proof']);
    const foreign = await status(id, admin.token, {
      status: 'COMPLETED',
      proof: { received_by: 'Ann', attachment_ids: [randomUUID()] },
    });
    expect(foreign.status).to.equal(422);
    expect(fieldsOf(foreign.body)).to.deep.equal(['proof.attachment_ids']);
    expect((await stack().db('deliveries').where({ id }).first()).status).to.equal('IN_TRANSIT');
  });

  it('when a delivery is completed with a proof naming its photo, then the delivery and its timeline show who received it and link the photo', async () => {
    const { id, admin, partner } = await deliveryThrough(
      'IN_TRANSIT',
      deliveryBody({ proof_required: true }),
    );
    const photo = {
      id: randomUUID(),
      delivery_id: id,
      uploaded_by: admin.user.id,
      content_type: 'image/jpeg',
      bytes: 1234,
      sha256: 'a'.repeat(64),
      storage_key: `deliveries/${id}/photo`,
    };
    await stack().db('delivery_attachments').insert(photo);
    const res = await status(id, admin.token, {
      status: 'COMPLETED',
      proof: {
        received_by: 'Ann at the door',
        note: 'Left with neighbour',
        attachment_ids: [photo.id],
      },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const url = `${stack().config.PUBLIC_URL}/api/v1/deliveries/${id}/attachments/${photo.id}`;
    expect(res.body.proof).to.deep.include({
      received_by: 'Ann at the door',
      note: 'Left with neighbour',
    });
    expect(res.body.proof.attachments).to.have.length(1);
    expect(res.body.proof.attachments[0]).to.include({
      id: photo.id,
      content_type: 'image/jpeg',
      bytes: 1234,
      url,
    });
    const detail = await api().get(`/api/v1/deliveries/${id}`).set(bearer(partner.token));
    expect(detail.body.proof.attachments[0].url).to.equal(url);
    expect(detail.body.timeline.at(-1).proof.received_by).to.equal('Ann at the door');
    expectDocumented(await documentFor(), '/api/v1/deliveries/{id}', 'get', detail);
  });
});
