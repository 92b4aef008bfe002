import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import type { AppDeps } from '../../src/api/deps';
import { deliveryKey } from '../../src/deliveries/idempotency';
import { createDeliveryWorker } from '../../src/temporal/create-worker';
import { deliveryBody } from '../support/deliveries';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

/** The stack's app with some settings changed: another Temporal client, queue or deadline. */
function appWith(overrides: Partial<AppDeps['config']>, temporal = stack().deps.temporal) {
  const { deps } = stack();
  return createApp({ ...deps, temporal, config: { ...deps.config, ...overrides } });
}

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
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
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

  it('when the Temporal call dies after the start but before the answer, then a retry yields exactly one running delivery', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const body = deliveryBody();
    // A queue with no worker: the start is durable, the create update is never accepted in time.
    const taskQueue = `crash-${randomUUID()}`;
    const impatient = appWith({ TEMPORAL_TASK_QUEUE: taskQueue, TEMPORAL_UPDATE_TIMEOUT_MS: 1500 });
    const first = await request(impatient.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(body);
    expect(first.status).to.equal(503);
    expect(await stack().db('deliveries').where({ partner_id: partner.user.id })).to.have.length(0);

    const connection = await NativeConnection.connect({ address: stack().temporalAddress });
    const worker = await createDeliveryWorker({
      connection,
      namespace: 'default',
      taskQueue,
      deps: stack().activityDeps,
      workflows: { kind: 'source' },
    });
    const running = worker.run();
    try {
      const patient = appWith({
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_UPDATE_TIMEOUT_MS: 30_000,
      });
      const retried = await request(patient.callback())
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .send(body);
      expect([200, 201]).to.include(retried.status);
      const again = await request(patient.callback())
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .send(body);
      expect(again.status).to.equal(200);
      expect(again.body.id).to.equal(retried.body.id);

      const rows = await stack().db('deliveries').where({ partner_id: partner.user.id });
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ id: retried.body.id, status: 'CREATED' });
      const handle = stack().client.workflow.getHandle(rows[0].workflow_id);
      const described = await handle.describe();
      expect(described.status.name).to.equal('RUNNING');
      expect(described.taskQueue).to.equal(taskQueue);
      const events = await stack().db('delivery_events').where({ delivery_id: rows[0].id });
      expect(events).to.have.length(1);
      await handle.terminate('test finished');
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });

  it('when an earlier run for the key was terminated before it wrote the delivery, then a retry starts afresh and creates it once', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const body = deliveryBody();
    const stranded = appWith({
      TEMPORAL_TASK_QUEUE: `stranded-${randomUUID()}`,
      TEMPORAL_UPDATE_TIMEOUT_MS: 1500,
    });
    const first = await request(stranded.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(body);
    expect(first.status).to.equal(503);
    const { key } = deliveryKey(partner.user.id, body);
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
