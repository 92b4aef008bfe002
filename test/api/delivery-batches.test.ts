import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { stack } from '../support/stack';
import { deliveryBody } from '../support/deliveries';
import { expectDocumented, expectValidBy } from '../support/openapi-contract';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';
import { partnerWithEndpoint } from '../support/webhooks';

const api = () => request(stack().app.callback());
const BATCHES = '/api/v1/deliveries/batches';

type BatchItemBody = { idempotency_key: string } & Record<string, unknown>;

const item = (overrides: Record<string, unknown> = {}): BatchItemBody => ({
  idempotency_key: `order-${randomUUID()}`,
  ...deliveryBody(),
  ...overrides,
});

async function completedBatch(token: string, id: string) {
  return waitFor(
    async () => {
      const res = await api().get(`${BATCHES}/${id}`).set(bearer(token));
      return res.body.status === 'completed' ? res : undefined;
    },
    `batch ${id} to complete`,
    60_000,
  );
}

async function deliveriesOf(partnerId: string): Promise<{ id: string; product_name: string }[]> {
  return stack().db('deliveries').where({ partner_id: partnerId }).select('id', 'product_name');
}

describe('bulk create: POST /deliveries/batches', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(() => receiver.stop());

  it('when a partner sends a batch, then it is accepted at once, each item is created through the single create, refusals are reported per item, and batch.completed announces the end', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const single = item();
    const { idempotency_key: singleKey, ...singleBody } = single;
    const before = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .set('Idempotency-Key', singleKey)
      .send(singleBody);
    expect(before.status).to.equal(201);
    const past = { start: '2020-01-01T09:00:00Z', end: '2020-01-01T11:00:00Z' };
    const items = [
      item(),
      single,
      item({ delivery_date: undefined, dropoff_window: past }),
      item(),
    ];

    const res = await api().post(BATCHES).set(bearer(partner.token)).send({ deliveries: items });

    expect(res.status).to.equal(202);
    expect(res.headers['location']).to.equal(`${BATCHES}/${res.body.id}`);
    expect(res.body).to.include({ total: 4 });
    const doc = (await api().get('/api/v1/openapi.json')).body;
    expectDocumented(doc, '/api/v1/deliveries/batches', 'post', res);

    const done = await completedBatch(partner.token, res.body.id);
    expectDocumented(doc, '/api/v1/deliveries/batches/{id}', 'get', done);
    expect(done.body).to.include({ total: 4, processed: 4, created: 2, replayed: 1, failed: 1 });
    expect(done.body.items.map((i: { status: string }) => i.status)).to.deep.equal([
      'created',
      'replayed',
      'failed',
      'created',
    ]);
    // The same key is the same delivery, whether it came alone or in a batch.
    expect(done.body.items[1].delivery_id).to.equal(before.body.id);
    expect(done.body.items[2].problem).to.deep.include({
      type: 'https://delivery-aggregator.dev/problems/validation',
      status: 400,
    });
    expect(done.body.items[2].problem.errors[0].field).to.equal('dropoff_window.start');
    const stored = await deliveriesOf(partner.user.id);
    expect(stored.map((d) => d.product_name)).to.have.members(
      [items[0]!, single, items[3]!].map((d) => d['product_name']),
    );

    const hook = await waitFor(
      async () => receiver.received.find((r) => JSON.parse(r.body).type === 'batch.completed'),
      'the batch.completed webhook',
    );
    const event = JSON.parse(hook.body);
    expect(event.data).to.include({
      batch_id: res.body.id,
      total: 4,
      created: 2,
      replayed: 1,
      failed: 1,
    });
    expectValidBy(
      doc.webhooks['batch.completed'].post.requestBody.content['application/json'].schema,
      event,
    );
  });

  it('when the same batch is sent again with its key, then it answers with the same batch and creates nothing twice; another body with that key is a 422', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const key = `batch-${randomUUID()}`;
    const body = { deliveries: [item(), item()] };
    const first = await api()
      .post(BATCHES)
      .set(bearer(partner.token))
      .set('Idempotency-Key', key)
      .send(body);
    expect(first.status).to.equal(202);
    await completedBatch(partner.token, first.body.id);

    const again = await api()
      .post(BATCHES)
      .set(bearer(partner.token))
      .set('Idempotency-Key', key)
      .send(body);
    expect(again.status).to.equal(202);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body).to.include({ id: first.body.id, status: 'completed', created: 2 });
    expect(await deliveriesOf(partner.user.id)).to.have.length(2);

    const other = await api()
      .post(BATCHES)
      .set(bearer(partner.token))
      .set('Idempotency-Key', key)
      .send({ deliveries: [item()] });
    expect(other.status).to.equal(422);
    expect(other.body.type).to.equal(
      'https://delivery-aggregator.dev/problems/idempotency-key-mismatch',
    );
  });

  it('when an item breaks the schema or repeats a key, then the whole batch is refused with a 400 naming each item field, and nothing is stored', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const repeated = item();
    const unnamed: Record<string, unknown> = item();
    delete unnamed['product_name'];
    const res = await api()
      .post(BATCHES)
      .set(bearer(partner.token))
      .send({ deliveries: [repeated, item(), item(), unnamed] });
    expect(res.status).to.equal(400);
    expect(res.body.errors).to.deep.include({
      field: 'deliveries.3.product_name',
      message: 'is required',
    });

    const twice = await api()
      .post(BATCHES)
      .set(bearer(partner.token))
      .send({
        deliveries: [repeated, item(), { ...item(), idempotency_key: repeated.idempotency_key }],
      });
    expect(twice.status).to.equal(400);
    expect(twice.body.errors).to.deep.equal([
      {
        field: 'deliveries.2.idempotency_key',
        message: 'must be unique in the batch (deliveries.0 has it too)',
      },
    ]);
    const stored = await stack().db('delivery_batches').where({ partner_id: partner.user.id });
    expect(stored).to.deep.equal([]);
  });

  it('when another partner asks for a batch, then it is not found', async () => {
    const owner = await createUserWithToken({ role: 'partner' });
    const other = await createUserWithToken({ role: 'partner' });
    const res = await api()
      .post(BATCHES)
      .set(bearer(owner.token))
      .send({ deliveries: [item()] });
    expect(res.status).to.equal(202);
    const seen = await api().get(`${BATCHES}/${res.body.id}`).set(bearer(other.token));
    expect(seen.status).to.equal(404);
    expect(seen.body.type).to.equal('https://delivery-aggregator.dev/problems/not-found');
    await completedBatch(owner.token, res.body.id);
  });

  it('when a partner lists its batches, then it sees its own, newest first, with their counts and no items, a page at a time', async () => {
    const owner = await createUserWithToken({ role: 'partner' });
    const other = await createUserWithToken({ role: 'partner' });
    const send = (token: string, deliveries: BatchItemBody[]) =>
      api().post(BATCHES).set(bearer(token)).send({ deliveries });
    const past = { start: '2020-01-01T09:00:00Z', end: '2020-01-01T11:00:00Z' };
    const first = await send(owner.token, [
      item(),
      item({ delivery_date: undefined, dropoff_window: past }),
    ]);
    expect(first.status).to.equal(202);
    await completedBatch(owner.token, first.body.id);
    const second = await send(owner.token, [item()]);
    const theirs = await send(other.token, [item()]);

    const res = await api().get(BATCHES).set(bearer(owner.token)).query({ limit: 1 });

    expect(res.status).to.equal(200);
    expectDocumented((await api().get('/api/v1/openapi.json')).body, BATCHES, 'get', res);
    expect(res.body.data.map((b: { id: string }) => b.id)).to.deep.equal([second.body.id]);
    expect(res.body.data[0]).to.not.have.property('items');
    const next = await api()
      .get(BATCHES)
      .set(bearer(owner.token))
      .query({ limit: 1, cursor: res.body.next_cursor });
    expect(next.body.data).to.have.length(1);
    expect(next.body.data[0]).to.include({
      id: first.body.id,
      status: 'completed',
      total: 2,
      processed: 2,
      created: 1,
      failed: 1,
    });
    expect(next.body.next_cursor).to.equal(null);
    await completedBatch(owner.token, second.body.id);
    await completedBatch(other.token, theirs.body.id);
  });
});
