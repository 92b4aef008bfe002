import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { Admission, type AdmissionSettings } from '../../src/temporal/admission';
import { deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

/**
 * The app on a task queue no worker polls, so every change waits for its whole deadline, with an
 * admission of its own.
 */
function idleApp(
  deadlineMs: number,
  settings: Pick<AdmissionSettings, 'targetMs' | 'maxInFlight' | 'callerShare'>,
) {
  const { deps } = stack();
  const config = {
    ...deps.config,
    TEMPORAL_TASK_QUEUE: `idle-${randomUUID()}`,
    TEMPORAL_UPDATE_TIMEOUT_MS: deadlineMs,
  };
  const admission = new Admission({ ...settings, minInFlight: 1, createBacklogLimit: 0 }, null);
  return { app: createApp({ ...deps, config, admission }).callback(), admission };
}

describe('deliveries API: admission past capacity', () => {
  it('when the change lane is full, then the next change is refused at once with 503 and Retry-After while the first still gets its answer', async () => {
    const { app } = idleApp(3000, { targetMs: 400, maxInFlight: 1, callerShare: 1 });
    const partner = await createUserWithToken({ role: 'partner' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const admin = await createUserWithToken({ role: 'admin' });
    const created = await request(app)
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody());
    expect(created.status).to.equal(201);
    const assign = () =>
      request(app)
        .post(`/api/v1/deliveries/${created.body.id}/assign`)
        .set(bearer(boss.token))
        .send({ admin_id: admin.user.id });

    const first = assign().then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const second = await assign();
    const waited = Date.now() - started;
    expect(second.status).to.equal(503);
    expect(second.headers['retry-after']).to.equal('1');
    expect(second.body.detail).to.match(/at capacity/);
    expect(waited).to.be.lessThan(1000); // the first is held for 3 s
    // Decided on who the header recently was, before the body is read: not even its 400.
    const unreadable = await request(app)
      .post(`/api/v1/deliveries/${created.body.id}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: 'not an id' });
    expect(unreadable.status, JSON.stringify(unreadable.body)).to.equal(503);
    expect(unreadable.headers['retry-after']).to.equal('1');
    // The partner, known from its create, is refused as early and still told its request limits.
    const cancel = await request(app)
      .post(`/api/v1/deliveries/${created.body.id}/cancel`)
      .set(bearer(partner.token))
      .send({});
    expect(cancel.status, JSON.stringify(cancel.body)).to.equal(503);
    expect(cancel.headers['ratelimit-policy']).to.match(/"per-partner"/);
    expect(cancel.headers['ratelimit']).to.match(/"per-partner";r=\d+/);
    expect((await first).status).to.equal(503); // its own deadline: nobody works that queue
    expect((await first).body.detail).to.match(/did not answer in time/);
    await stack().client.workflow.getHandle(created.body.workflow_id).terminate('test finished');
  });

  it('when a caller known from moments ago is deactivated, then its next change is refused 401 (the remembered identity only ever refuses for capacity)', async () => {
    const { app } = idleApp(3000, { targetMs: 400, maxInFlight: 4, callerShare: 1 });
    const partner = await createUserWithToken({ role: 'partner' });
    const created = await request(app)
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody());
    expect(created.status).to.equal(201);
    await stack().db('users').where({ id: partner.user.id }).update({ is_active: false });
    const cancel = await request(app)
      .post(`/api/v1/deliveries/${created.body.id}/cancel`)
      .set(bearer(partner.token))
      .send({});
    expect(cancel.status, JSON.stringify(cancel.body)).to.equal(401);
    await stack().client.workflow.getHandle(created.body.workflow_id).terminate('test finished');
  });

  it('when one caller holds its share of the change lane, then its next change is refused at once with 429 and Retry-After while another caller still gets in', async () => {
    const { app, admission } = idleApp(2000, {
      targetMs: 60_000,
      maxInFlight: 4,
      callerShare: 0.5,
    });
    const partner = await createUserWithToken({ role: 'partner' });
    const [boss, otherBoss] = await Promise.all([
      createUserWithToken({ role: 'super_admin' }),
      createUserWithToken({ role: 'super_admin' }),
    ]);
    const admin = await createUserWithToken({ role: 'admin' });
    const created: request.Response[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await request(app)
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .send(deliveryBody());
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      created.push(answer);
    }
    const assign = (id: string, token: string) =>
      request(app)
        .post(`/api/v1/deliveries/${id}/assign`)
        .set(bearer(token))
        .send({ admin_id: admin.user.id });

    // Nobody works this queue: the boss's two changes stay in flight until their deadline.
    const holding = [0, 1].map((d) => assign(created[d]!.body.id, boss.token).then((r) => r));
    await waitFor(
      async () => (admission.lanes.change.heldBy(boss.user.id) === 2 ? true : undefined),
      "the boss's two changes in flight",
    );
    const third = await assign(created[2]!.body.id, boss.token);
    expect(third.status, JSON.stringify(third.body)).to.equal(429);
    expect(third.headers['retry-after']).to.equal('1');
    expect(third.body.type).to.match(/rate-limited$/);
    expect(third.body.detail).to.match(/2 changes in flight, your share/);
    const other = await assign(created[2]!.body.id, otherBoss.token);
    expect(other.status, 'the other caller is let through (and waits out the deadline)').to.equal(
      503,
    );
    expect(other.body.detail).to.match(/did not answer in time/);
    for (const answer of await Promise.all(holding)) expect(answer.status).to.equal(503);
    for (const c of created) {
      await stack().client.workflow.getHandle(c.body.workflow_id).terminate('test finished');
    }
  });
});
