import { expect } from 'chai';
import request from 'supertest';
import { deliveryThrough } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

const api = () => request(stack().app.callback());

const assignedDelivery = () => deliveryThrough('ASSIGNED');

const eventTypes = async (id: string) =>
  (
    await stack().db('delivery_events').where({ delivery_id: id }).orderBy('seq').select('type')
  ).map((e: { type: string }) => e.type);

describe('deliveries API: idempotent changes (Idempotency-Key on assign, status, cancel)', () => {
  it('when a status change is repeated with its key, then the original answer comes back with Idempotent-Replayed and nothing is recorded twice', async () => {
    const { id, admin, workflowId } = await assignedDelivery();
    const send = () =>
      api()
        .post(`/api/v1/deliveries/${id}/status`)
        .set(bearer(admin.token))
        .set('Idempotency-Key', 'move-1')
        .send({ status: 'IN_TRANSIT' });
    const first = await send();
    expect(first.status).to.equal(200);
    expect(first.headers['idempotent-replayed']).to.equal(undefined);
    const again = await send();
    expect(again.status).to.equal(200);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body).to.deep.equal(first.body);
    expect(await eventTypes(id)).to.deep.equal(['created', 'assigned', 'status_changed']);
    await stack().client.workflow.getHandle(workflowId).terminate('test finished');
  });

  it('when the final change is repeated after the run has closed, then the original 200 comes back, not a 409', async () => {
    const { id, admin } = await assignedDelivery();
    await api()
      .post(`/api/v1/deliveries/${id}/status`)
      .set(bearer(admin.token))
      .send({ status: 'IN_TRANSIT' });
    const send = () =>
      api()
        .post(`/api/v1/deliveries/${id}/status`)
        .set(bearer(admin.token))
        .set('Idempotency-Key', 'finish')
        .send({ status: 'COMPLETED', reason: 'signed' });
    const first = await send();
    expect(first.status).to.equal(200);
    const workflowId = first.body.workflow_id as string;
    await stack().client.workflow.getHandle(workflowId).result();
    const again = await send();
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body).to.deep.equal(first.body);
  });

  it('when a key is reused for another body or another action, then 422 and the delivery does not change', async () => {
    const { id, partner, boss } = await assignedDelivery();
    const other = await createUserWithToken({ role: 'admin' });
    const first = await api()
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .set('Idempotency-Key', 'k-1')
      .send({ admin_id: other.user.id });
    expect(first.status).to.equal(200);
    const anotherBody = await api()
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .set('Idempotency-Key', 'k-1')
      .send({ admin_id: (await createUserWithToken({ role: 'admin' })).user.id });
    expect(anotherBody.status).to.equal(422);
    expect(anotherBody.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(anotherBody.body.type).to.match(/\/problems\/idempotency-key-mismatch$/);
    const anotherAction = await api()
      .post(`/api/v1/deliveries/${id}/cancel`)
      .set(bearer(boss.token))
      .set('Idempotency-Key', 'k-1')
      .send({});
    expect(anotherAction.status).to.equal(422);
    // Keys are scoped to the caller: the partner's k-1 is a new request.
    const partnerCancels = await api()
      .post(`/api/v1/deliveries/${id}/cancel`)
      .set(bearer(partner.token))
      .set('Idempotency-Key', 'k-1')
      .send({ reason: 'no longer needed' });
    expect(partnerCancels.status).to.equal(200);
    expect(partnerCancels.body.status).to.equal('CANCELLED');
    const row = await stack().db('deliveries').where({ id }).first();
    expect(row).to.include({ status: 'CANCELLED', assigned_to: other.user.id });
    expect(await eventTypes(id)).to.deep.equal(['created', 'assigned', 'assigned', 'cancelled']);
  });

  it('when the Idempotency-Key of a change is not printable ASCII, then 400 names the header', async () => {
    const { id, admin, workflowId } = await assignedDelivery();
    const res = await api()
      .post(`/api/v1/deliveries/${id}/status`)
      .set(bearer(admin.token))
      .set('Idempotency-Key', 'x'.repeat(256))
      .send({ status: 'IN_TRANSIT' });
    expect(res.status).to.equal(400);
    expect(res.body.errors).to.deep.equal([
      { field: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' },
    ]);
    expect(await eventTypes(id)).to.deep.equal(['created', 'assigned']);
    await stack().client.workflow.getHandle(workflowId).terminate('test finished');
  });
});
