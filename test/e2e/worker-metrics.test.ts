import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { deliveryBody } from '../support/deliveries';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

const ROOT = path.resolve(__dirname, '../..');

describe('the worker process exposes its metrics', function () {
  this.timeout(120_000);

  it('when a worker runs a delivery, then its Prometheus endpoint shows the SDK metrics and the email outcomes', async () => {
    const { config, databaseUrl, temporalAddress, deps } = stack();
    const taskQueue = `metrics-${randomUUID()}`;
    const port = await freePort();
    const worker = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_TASK_QUEUE: taskQueue,
        WORKER_METRICS_PORT: String(port),
        JWT_SECRET: config.JWT_SECRET,
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
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
        const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        const outbox = text
          .split('\n')
          .find((l) => l.startsWith('email_outcomes_total{') && l.includes('outcome="outbox"'));
        return outbox && Number(outbox.split(' ').at(-1)) >= 2 ? text : undefined;
      }, 'the two assignment emails to be counted');
      expect(metrics).to.match(/^temporal_workflow_task_execution_latency/m);
      expect(metrics).to.match(/^temporal_activity_execution_latency/m);
      await stack().client.workflow.getHandle(created.body.workflow_id).terminate('test finished');
    } finally {
      worker.kill('SIGTERM');
      await exited;
    }
  });
});
