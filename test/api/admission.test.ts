import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { Admission } from '../../src/temporal/admission';
import { deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

describe('deliveries API: admission past capacity', () => {
  it('when the change lane is full, then the next change is refused at once with 503 and Retry-After while the first still gets its answer', async () => {
    const { deps } = stack();
    // No worker polls this queue: the first change waits for its whole deadline.
    const config = {
      ...deps.config,
      TEMPORAL_TASK_QUEUE: `idle-${randomUUID()}`,
      TEMPORAL_UPDATE_TIMEOUT_MS: 3000,
    };
    const admission = new Admission(
      { targetMs: 400, minInFlight: 1, maxInFlight: 1, createBacklogLimit: 0, callerShare: 1 },
      null,
    );
    const app = createApp({ ...deps, config, admission }).callback();
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
    expect((await first).status).to.equal(503); // its own deadline: nobody works that queue
    expect((await first).body.detail).to.match(/did not answer in time/);
    await stack().client.workflow.getHandle(created.body.workflow_id).terminate('test finished');
  });
});
