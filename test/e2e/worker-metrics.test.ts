import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { deliveryBody } from '../support/deliveries';
import { spawnEntryPoint } from '../support/entry-points';
import { baseUrl } from '../support/base-url';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

describe('the worker process exposes its metrics', function () {
  this.timeout(120_000);

  it('when a worker runs a delivery, then its Prometheus endpoint shows the SDK metrics and the email outcomes', async () => {
    const { config, deps } = stack();
    const taskQueue = `metrics-${randomUUID()}`;
    const port = await freePort();
    const worker = spawnEntryPoint('src/worker.ts', {
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_METRICS_PORT: String(port),
    });
    try {
      const app = createApp({ ...deps, config: { ...config, TEMPORAL_TASK_QUEUE: taskQueue } });
      const partner = await createUserWithToken({ role: 'partner' });
      const admin = await createUserWithToken({ role: 'admin' });
      const boss = await createUserWithToken({ role: 'super_admin' });
      const created = await request(app.callback())
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .send(deliveryBody());
      expect(created.status).to.equal(201);
      // Answered once the worker runs the change: it has to be up.
      const assigned = await request(app.callback())
        .post(`/api/v1/deliveries/${created.body.id}/assign`)
        .set(bearer(boss.token))
        .send({ admin_id: admin.user.id });
      expect(assigned.status).to.equal(200);

      const metrics = await waitFor(async () => {
        const text = await fetch(`${baseUrl(port)}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        const outbox = text
          .split('\n')
          .find((l) => l.startsWith('email_outcomes_total{') && l.includes('outcome="outbox"'));
        // The SDK records an activity's latency once its completion is reported, a moment after
        // the activity itself counted the email: wait for both.
        const counted = outbox && Number(outbox.split(' ').at(-1)) >= 2;
        return counted && /^temporal_activity_execution_latency/m.test(text) ? text : undefined;
      }, 'the two assignment emails to be counted and their activities timed');
      expect(metrics).to.match(/^temporal_workflow_task_execution_latency/m);
      expect(metrics).to.match(/^temporal_activity_execution_latency/m);
      await stack().client.workflow.getHandle(created.body.workflow_id).terminate('test finished');
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });
});
