import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { expect } from 'chai';
import type Koa from 'koa';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { startTemporalDevServer, type RunningTemporal } from '../../src/dev/temporal-dev-server';
import {
  clientConnectionOptions,
  connectClient,
  ensureSearchAttributes,
} from '../../src/temporal/connect';
import { deliveryBody } from '../support/deliveries';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

// The contract under test is a bound on time, so these assertions are about time (generously:
// the deadline is short and the allowance is the full second the contract grants).
const DEADLINE_MS = 2000;
const ANSWER_BOUND_MS = DEADLINE_MS + 1000;
const READY_BOUND_MS = 2000;

type Answer = { status: number; headers: Record<string, string>; body: { type?: string } };

async function timed(call: () => PromiseLike<Answer>): Promise<Answer & { ms: number }> {
  const started = performance.now();
  const answer = await call();
  return Object.assign(answer, { ms: performance.now() - started });
}

function expectUnavailableWithin(answer: Answer & { ms: number }, boundMs: number): void {
  expect(answer.status, JSON.stringify({ ms: answer.ms, body: answer.body })).to.equal(503);
  expect(answer.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(answer.headers['retry-after']).to.match(/^\d+$/);
  expect(answer.body.type).to.match(/\/problems\/unavailable$/);
  expect(answer.ms).to.be.below(boundMs);
}

/** A port that accepts connections and never says a word: what a black-holed address looks like. */
async function silentPort(): Promise<{ address: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** SIGSTOP takes effect asynchronously; the kernel reports the process state as `T` once it has. */
async function freeze(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  await waitFor(async () => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('T') ? true : undefined;
  }, 'the Temporal server to stop');
}

describe('Temporal deadlines: a frozen, killed or black-holed Temporal', function () {
  // A Temporal dev server of this file's own, so freezing and killing it spares the shared one.
  let temporal: RunningTemporal;
  let client: Client;
  let app: Koa;

  before(async function () {
    this.timeout(180_000);
    temporal = startTemporalDevServer({
      cliPath: stack().cliPath,
      port: await freePort(),
      uiPort: null,
      dbFile: null,
      namespace: 'default',
    });
    const taskQueue = `deadlines-${randomUUID()}`;
    client = await connectClient({ address: temporal.address, namespace: 'default' });
    await ensureSearchAttributes(client);
    const { deps } = stack();
    app = createApp({
      ...deps,
      temporal: client,
      config: {
        ...deps.config,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_UPDATE_TIMEOUT_MS: DEADLINE_MS,
        // Each outage is asked about afresh, never answered from the previous test's probe.
        READY_CACHE_MS: 0,
      },
    });
  });

  after(async () => {
    await temporal.stop();
    await client.connection.close();
  });

  /** Creates one delivery while Temporal is up, then asks for a create, an assign and /readyz. */
  async function arrangeDelivery() {
    const partner = await createUserWithToken({ role: 'partner' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const admin = await createUserWithToken({ role: 'admin' });
    const created = await request(app.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody());
    expect(created.status).to.equal(201);
    return () =>
      Promise.all([
        timed(() =>
          request(app.callback())
            .post('/api/v1/deliveries')
            .set(bearer(partner.token))
            .send(deliveryBody()),
        ),
        timed(() =>
          request(app.callback())
            .post(`/api/v1/deliveries/${created.body.id}/assign`)
            .set(bearer(boss.token))
            .send({ admin_id: admin.user.id }),
        ),
        timed(() => request(app.callback()).get('/readyz')),
      ]);
  }

  it('when Temporal hangs (SIGSTOP), then create and assign answer 503 with Retry-After within the deadline plus 1 s, and /readyz 503 within 2 s', async () => {
    const ask = await arrangeDelivery();
    await freeze(temporal.pid!);
    try {
      const [create, assign, ready] = await ask();
      expectUnavailableWithin(create, ANSWER_BOUND_MS);
      expectUnavailableWithin(assign, ANSWER_BOUND_MS);
      expectUnavailableWithin(ready, READY_BOUND_MS);
    } finally {
      process.kill(temporal.pid!, 'SIGCONT');
    }
  });

  it('when Temporal is SIGKILLed, then create and assign answer 503 with Retry-After within the deadline plus 1 s, and /readyz 503 within 2 s', async () => {
    const ask = await arrangeDelivery();
    process.kill(temporal.pid!, 'SIGKILL');
    const [create, assign, ready] = await ask();
    expectUnavailableWithin(create, ANSWER_BOUND_MS);
    expectUnavailableWithin(assign, ANSWER_BOUND_MS);
    expectUnavailableWithin(ready, READY_BOUND_MS);
    expect(ready.body).to.include({ detail: 'Not ready: database ok, temporal down.' });
  });

  it("when Temporal's port is black-holed, then /readyz answers 503 within 2 s", async () => {
    const silent = await silentPort();
    const connection = Connection.lazy(clientConnectionOptions(silent.address));
    try {
      const { deps } = stack();
      const blackHoled = createApp({
        ...deps,
        temporal: new Client({ connection, namespace: 'default' }),
      });
      const ready = await timed(() => request(blackHoled.callback()).get('/readyz'));
      expectUnavailableWithin(ready, READY_BOUND_MS);
    } finally {
      await connection.close();
      await silent.close();
    }
  });
});
