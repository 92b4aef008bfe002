import { expect } from 'chai';
import request from 'supertest';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { Drain } from '../../src/api/drain';
import { listen } from '../../src/api/listen';
import { clientConnectionOptions } from '../../src/temporal/connect';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';

describe('health probes', () => {
  it('when the process is up, then /healthz answers 200', async () => {
    const res = await request(stack().app.callback()).get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ok', checks: {} });
  });

  it('when Postgres and Temporal are reachable and a worker polls, then /readyz answers 200 with every check ok', async () => {
    const res = await request(stack().app.callback()).get('/readyz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      status: 'ok',
      checks: { database: 'ok', temporal: 'ok', worker: 'ok' },
    });
  });

  it('when no worker polls the task queue, then /readyz stays 200 and reports the degradation', async () => {
    const { deps } = stack();
    const app = createApp({
      ...deps,
      config: { ...deps.config, TEMPORAL_TASK_QUEUE: `nobody-polls-${Date.now()}` },
    });
    const res = await request(app.callback()).get('/readyz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      status: 'degraded',
      checks: { database: 'ok', temporal: 'ok', worker: 'none' },
    });
  });

  describe('Temporal calls behind /readyz', () => {
    type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];
    const READY_CALLS = /\/(GetSystemInfo|DescribeTaskQueue)$/;
    let connection: Connection;
    let calls: string[];

    beforeEach(async () => {
      calls = [];
      const counting: GrpcInterceptor = (options, nextCall) => {
        calls.push(options.method_definition.path);
        // grpc-js takes the next call itself; only its type wants an InterceptingCall.
        return nextCall(options) as ReturnType<GrpcInterceptor>;
      };
      const options = clientConnectionOptions(stack().temporalAddress);
      connection = await Connection.connect({
        ...options,
        interceptors: [...(options.interceptors ?? []), counting],
      });
      calls = [];
    });
    afterEach(() => connection.close());

    const appCaching = (readyCacheMs: number) => {
      const { deps } = stack();
      const temporal = new Client({ connection, namespace: deps.config.TEMPORAL_NAMESPACE });
      return createApp({
        ...deps,
        temporal,
        config: { ...deps.config, READY_CACHE_MS: readyCacheMs },
      });
    };
    const readyCalls = () =>
      calls.filter((path) => READY_CALLS.test(path)).map((path) => path.split('/').pop());

    it('when probes come in a burst, then one round of Temporal calls answers them all', async () => {
      const app = appCaching(60_000);
      const burst = await Promise.all(
        Array.from({ length: 5 }, () => request(app.callback()).get('/readyz')),
      );
      const later = await request(app.callback()).get('/readyz');
      for (const res of [...burst, later]) {
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({
          status: 'ok',
          checks: { database: 'ok', temporal: 'ok', worker: 'ok' },
        });
      }
      expect(readyCalls().sort()).to.deep.equal(['DescribeTaskQueue', 'GetSystemInfo']);
    });

    it('when the cached answer has expired, then the next probe asks Temporal again', async () => {
      const app = appCaching(0);
      await request(app.callback()).get('/readyz');
      await request(app.callback()).get('/readyz');
      expect(readyCalls().sort()).to.deep.equal([
        'DescribeTaskQueue',
        'DescribeTaskQueue',
        'GetSystemInfo',
        'GetSystemInfo',
      ]);
    });
  });

  it('when a route does not exist, then a 404 problem+json carries the request id', async () => {
    const res = await request(stack().app.callback())
      .get('/api/v1/nope')
      .set('X-Request-Id', 'abc-123');
    expect(res.status).to.equal(404);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).to.equal('abc-123');
    expect(res.body).to.include({ status: 404, request_id: 'abc-123' });
    expect(res.body.type).to.match(/\/problems\/route-not-found$/);
  });

  it('when Temporal is unreachable, then /readyz answers 503 problem+json naming it down', async () => {
    const connection = Connection.lazy(clientConnectionOptions(`127.0.0.1:${await freePort()}`));
    const { deps } = stack();
    const app = createApp({ ...deps, temporal: new Client({ connection, namespace: 'default' }) });
    try {
      const res = await request(app.callback()).get('/readyz');
      expect(res.status).to.equal(503);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.body.type).to.match(/\/problems\/unavailable$/);
      expect(res.body.detail).to.equal('Not ready: database ok, temporal down.');
    } finally {
      await connection.close();
    }
  });

  it('when the process is stopping, then /readyz answers 503 at once, so load balancers move on', async () => {
    const drain = new Drain();
    const app = createApp({ ...stack().deps, drain });
    const server = await listen(app, 0, '127.0.0.1');
    const stopped = drain.stop(server, 1000);
    const res = await request(app.callback()).get('/readyz');
    expect(res.status).to.equal(503);
    expect(res.headers['retry-after']).to.equal('1');
    expect(res.body.detail).to.equal('Not ready: shutting down.');
    expect(await stopped).to.equal(true);
  });
});
