import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { deliveryKey } from '../../src/deliveries/idempotency';
import { createDeliveryWorker } from '../../src/temporal/create-worker';
import { deliveryBody } from '../support/deliveries';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

const ROOT = path.resolve(__dirname, '../..');

describe('the API process dies in the middle of creating a delivery', function () {
  this.timeout(120_000);

  it('when it is killed after Temporal accepted the start but before it answered, then a retried request yields exactly one running delivery', async () => {
    const { config, client, databaseUrl, temporalAddress, activityDeps, deps } = stack();
    const partner = await createUserWithToken({ role: 'partner' });
    const body = deliveryBody();
    const { key } = deliveryKey(partner.user.id, body);
    // No worker polls this queue yet, so the create update cannot finish while the API lives.
    const taskQueue = `api-crash-${randomUUID()}`;
    const port = await freePort();
    const api = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/server.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_UPDATE_TIMEOUT_MS: '60000',
        JWT_SECRET: config.JWT_SECRET,
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => api.once('exit', resolve));
    try {
      await waitFor(
        () =>
          fetch(`http://127.0.0.1:${port}/readyz`)
            .then((r) => (r.ok ? true : undefined))
            .catch(() => undefined),
        'the API process to be ready',
        60_000,
      );
      const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/deliveries`, {
        method: 'POST',
        headers: { ...bearer(partner.token), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).catch((error: unknown) => error);

      const handle = client.workflow.getHandle(key);
      await waitFor(
        () =>
          handle.describe().then(
            () => true,
            () => undefined,
          ),
        'Temporal to hold the started workflow',
      );
      api.kill('SIGKILL');
      await exited;
      expect(await inFlight, 'the caller got no answer').to.be.instanceOf(Error);
      expect(await stack().db('deliveries').where({ idempotency_key: key })).to.have.length(0);
    } finally {
      if (api.exitCode === null && api.signalCode === null) api.kill('SIGKILL');
    }

    const connection = await NativeConnection.connect({ address: temporalAddress });
    const worker = await createDeliveryWorker({
      connection,
      namespace: 'default',
      taskQueue,
      deps: activityDeps,
      workflows: { kind: 'source' },
    });
    const running = worker.run();
    try {
      const app = createApp({
        ...deps,
        config: { ...config, TEMPORAL_TASK_QUEUE: taskQueue },
      }).callback();
      const retried = await request(app)
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .send(body);
      expect([200, 201]).to.include(retried.status);
      expect(retried.body.workflow_id).to.equal(key);

      const rows = await stack().db('deliveries').where({ partner_id: partner.user.id });
      expect(rows.map((r: { id: string }) => r.id)).to.deep.equal([retried.body.id]);
      const described = await client.workflow.getHandle(key).describe();
      expect(described.status.name).to.equal('RUNNING');
      await client.workflow.getHandle(key).terminate('test finished');
    } finally {
      worker.shutdown();
      await running;
      await connection.close();
    }
  });
});
