import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import type { AppDeps } from '../../src/api/deps';
import { startDeliveryRun } from '../../src/deliveries/delivery-runs';
import { deliveryIdFor, deliveryKey } from '../../src/deliveries/idempotency';
import { clientConnectionOptions } from '../../src/temporal/connect';
import { deliveryBody } from '../support/deliveries';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';
import { startTestWorker } from '../support/test-worker';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

/** The stack's app with some settings changed: another Temporal client, queue or deadline. */
function appWith(overrides: Partial<AppDeps['config']>, temporal = stack().deps.temporal) {
  const { deps } = stack();
  return createApp({ ...deps, temporal, config: { ...deps.config, ...overrides } });
}

/** What an API that died right after the start leaves: the run, and no row. */
async function startedWithoutRow(
  partnerId: string,
  body: Record<string, unknown>,
  taskQueue: string,
  header?: string,
) {
  const { key, payloadHash } = deliveryKey(partnerId, body, header);
  const input = {
    deliveryId: deliveryIdFor(key),
    idempotencyKey: key,
    payloadHash,
    partnerId,
    request: body as never,
    createdAt: new Date().toISOString(),
  };
  await startDeliveryRun(
    stack().client,
    { ...stack().config, TEMPORAL_TASK_QUEUE: taskQueue },
    input,
  );
  return { key, input };
}

/** A worker of the real delivery code on a queue of the test's own. */
const workerOn = (taskQueue: string) => startTestWorker({ taskQueue });

describe('deliveries API: Temporal outages and crashes', () => {
  it('when Temporal is unreachable, then create and change answer 503 with Retry-After and nothing is written', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const admin = await createUserWithToken({ role: 'admin' });
    const existing = await request(stack().app.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody());
    expect(existing.status).to.equal(201);

    // Nothing listens on a port we just freed; a lazy connection never blocks app construction.
    const connection = Connection.lazy(clientConnectionOptions(`127.0.0.1:${await freePort()}`));
    const broken = new Client({ connection, namespace: 'default' });
    try {
      const app = appWith({ TEMPORAL_UPDATE_TIMEOUT_MS: 1500 }, broken).callback();
      const body = deliveryBody();
      const created = await request(app)
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .send(body);
      expect(created.status).to.equal(503);
      expect(created.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(created.headers['retry-after']).to.equal('5');
      expect(created.body.type).to.match(/\/problems\/unavailable$/);
      const stored = await stack().db('deliveries').where({ partner_id: partner.user.id });
      expect(stored.map((r: { id: string }) => r.id)).to.deep.equal([existing.body.id]);

      const assign = await request(app)
        .post(`/api/v1/deliveries/${existing.body.id}/assign`)
        .set(bearer(boss.token))
        .send({ admin_id: admin.user.id });
      expect(assign.status).to.equal(503);
      expect(assign.headers['retry-after']).to.equal('5');
      const row = await stack().db('deliveries').where({ id: existing.body.id }).first();
      expect(row).to.include({ status: 'CREATED', assigned_to: null });
    } finally {
      await connection.close();
    }
    await stack().client.workflow.getHandle(existing.body.workflow_id).terminate('test finished');
  });

  it('when no worker runs, then creates still answer 201 with the row stored, and the workflows proceed when a worker returns', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const admin = await createUserWithToken({ role: 'admin' });
    const taskQueue = `no-worker-${randomUUID()}`;
    const app = appWith({ TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_UPDATE_TIMEOUT_MS: 30_000 });
    const body = deliveryBody();
    const created = await request(app.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(body);
    expect(created.status).to.equal(201);
    const stored = await stack().db('deliveries').where({ id: created.body.id }).first();
    expect(stored).to.include({ status: 'CREATED', workflow_id: created.body.workflow_id });
    const again = await request(app.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(body);
    expect(again.status).to.equal(200);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.body).to.deep.equal(created.body);

    const worker = await workerOn(taskQueue);
    try {
      const assigned = await request(app.callback())
        .post(`/api/v1/deliveries/${created.body.id}/assign`)
        .set(bearer(boss.token))
        .send({ admin_id: admin.user.id });
      expect(assigned.status).to.equal(200);
      expect(assigned.body).to.include({ status: 'ASSIGNED', assigned_to: admin.user.id });
      const events = await stack()
        .db('delivery_events')
        .where({ delivery_id: created.body.id })
        .orderBy('seq');
      expect(events.map((e: { type: string }) => e.type)).to.deep.equal(['created', 'assigned']);
      await stack().client.workflow.getHandle(created.body.workflow_id).terminate('test finished');
    } finally {
      await worker.stop();
    }
  });

  it('when the API died after the start and before writing the row, then a retry answers from the run and the workflow writes the same row once', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const taskQueue = `crash-${randomUUID()}`;
    const body = deliveryBody();
    const { key, input } = await startedWithoutRow(partner.user.id, body, taskQueue);
    expect(await stack().db('deliveries').where({ idempotency_key: key })).to.have.length(0);

    const app = appWith({ TEMPORAL_TASK_QUEUE: taskQueue });
    const retried = await request(app.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(body);
    expect(retried.status).to.equal(200);
    expect(retried.body).to.include({ id: input.deliveryId, created_at: input.createdAt });

    const worker = await workerOn(taskQueue);
    try {
      const handle = stack().client.workflow.getHandle(key);
      await waitFor(
        async () => ((await handle.describe()).historyLength > 3 ? true : undefined),
        'the worker to run the first workflow task',
      );
      const rows = await stack().db('deliveries').where({ partner_id: partner.user.id });
      expect(rows.map((r: { id: string }) => r.id)).to.deep.equal([input.deliveryId]);
      const events = await stack().db('delivery_events').where({ delivery_id: input.deliveryId });
      expect(events).to.have.length(1);
      expect((await handle.describe()).status.name).to.equal('RUNNING');
      await handle.terminate('test finished');
    } finally {
      await worker.stop();
    }
  });

  it('when a key is reused with another body while its run has no row yet, then 422 and nothing is written', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const taskQueue = `crash-${randomUUID()}`;
    const { key } = await startedWithoutRow(partner.user.id, deliveryBody(), taskQueue, 'order-1');
    const other = await request(appWith({ TEMPORAL_TASK_QUEUE: taskQueue }).callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .set('Idempotency-Key', 'order-1')
      .send(deliveryBody());
    expect(other.status).to.equal(422);
    expect(other.body.type).to.match(/\/problems\/idempotency-key-mismatch$/);
    expect(await stack().db('deliveries').where({ idempotency_key: key })).to.have.length(0);
    await stack().client.workflow.getHandle(key).terminate('test finished');
  });

  it('when an earlier run for the key was terminated before anything wrote the delivery, then a retry starts afresh and creates it once', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const body = deliveryBody();
    const { key } = await startedWithoutRow(partner.user.id, body, `stranded-${randomUUID()}`);
    await stack().client.workflow.getHandle(key).terminate('operator gave up on it');

    const retried = await request(stack().app.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(body);
    expect(retried.status).to.equal(201);
    const rows = await stack().db('deliveries').where({ partner_id: partner.user.id });
    expect(rows.map((r: { id: string }) => r.id)).to.deep.equal([retried.body.id]);
    const handle = stack().client.workflow.getHandle(key);
    expect((await handle.describe()).status.name).to.equal('RUNNING');
    await handle.terminate('test finished');
  });
});
