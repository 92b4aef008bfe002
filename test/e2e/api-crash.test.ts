import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { deliveryKey } from '../../src/deliveries/idempotency';
import { deliveryBody } from '../support/deliveries';
import { spawnEntryPoint } from '../support/entry-points';
import { baseUrl } from '../support/base-url';
import { freePort } from '../support/free-port';
import { waitForReady } from '../support/platform-http';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

describe('the API process dies in the middle of creating a delivery', function () {
  this.timeout(120_000);

  it('when it is killed with creates in flight, then retrying every request yields exactly one row, one creation event and one running workflow per key', async () => {
    const { client, deps } = stack();
    const partner = await createUserWithToken({ role: 'partner' });
    const bodies = Array.from({ length: 60 }, () => deliveryBody());
    const keys = bodies.map((body) => deliveryKey(partner.user.id, body).key);
    const port = await freePort();
    // Admission off: all 60 creates of the one partner must be in flight when it dies.
    const api = spawnEntryPoint('src/server.ts', {
      PORT: String(port),
      ADMISSION_MAX_IN_FLIGHT: '0',
    });
    let answered: unknown[] = [];
    try {
      await waitForReady(baseUrl(port), 'the API process', { timeoutMs: 60_000, child: api.child });
      const inFlight = bodies.map((body) =>
        fetch(`${baseUrl(port)}/api/v1/deliveries`, {
          method: 'POST',
          headers: { ...bearer(partner.token), 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).catch((error: unknown) => error),
      );
      // Kill it as soon as the first create is answered: the others are at every stage then.
      await Promise.race(inFlight);
      api.child.kill('SIGKILL');
      await api.exited;
      answered = await Promise.all(inFlight);
    } finally {
      api.kill();
    }
    expect(
      answered.filter((a) => a instanceof Error).length,
      'requests cut by the kill',
    ).to.be.above(0);

    const app = createApp(deps).callback();
    const retried = await Promise.all(
      bodies.map((body) =>
        request(app).post('/api/v1/deliveries').set(bearer(partner.token)).send(body),
      ),
    );
    expect(retried.map((r) => r.status).filter((s) => s !== 200 && s !== 201)).to.deep.equal([]);
    expect(retried.map((r) => r.body.workflow_id)).to.deep.equal(keys);

    const rows = await stack().db('deliveries').where({ partner_id: partner.user.id });
    expect(rows.map((r: { id: string }) => r.id).sort()).to.deep.equal(
      retried.map((r) => r.body.id as string).sort(),
    );
    const events = await stack()
      .db('delivery_events')
      .whereIn(
        'delivery_id',
        rows.map((r: { id: string }) => r.id),
      );
    expect(events).to.have.length(bodies.length);
    for (const key of keys) {
      const handle = client.workflow.getHandle(key);
      expect((await handle.describe()).status.name).to.equal('RUNNING');
      await handle.terminate('test finished');
    }
  });
});
