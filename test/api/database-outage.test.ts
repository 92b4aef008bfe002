import { expect } from 'chai';
import Koa from 'koa';
import knex, { type Knex } from 'knex';
import request from 'supertest';
import { errorMiddleware } from '../../src/api/middleware/errors';
import { createLogger } from '../../src/logger';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';

/** The API's own error boundary in front of a handler that needs the given database. */
function appReading(db: Knex) {
  const app = new Koa();
  app.use(errorMiddleware(createLogger('silent', 'test')));
  app.use(async (ctx) => {
    ctx.body = await db('users').count('* as n').first();
  });
  return app.callback();
}

function expectUnavailable(res: request.Response) {
  expect(res.status, JSON.stringify(res.body)).to.equal(503);
  expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(res.headers['retry-after']).to.equal('5');
  expect(res.body.type).to.match(/\/problems\/unavailable$/);
  expect(JSON.stringify(res.body)).to.not.match(/ECONNREFUSED|Knex|at /);
}

describe('the database is unreachable or out of connections', () => {
  it('when PostgreSQL refuses connections, then 503 problem+json with Retry-After, not a 500', async () => {
    const down = knex({
      client: 'pg',
      connection: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/none`,
      acquireConnectionTimeout: 2000,
    });
    try {
      expectUnavailable(await request(appReading(down)).get('/'));
    } finally {
      await down.destroy();
    }
  });

  it('when every pooled connection is busy past the acquire timeout, then 503 with Retry-After', async () => {
    const tiny = knex({
      client: 'pg',
      connection: stack().databaseUrl,
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 300,
    });
    let release: () => void = () => undefined;
    const held = tiny.transaction(
      (trx) =>
        new Promise<void>((resolve) => {
          release = resolve;
          void trx.raw('select 1');
        }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expectUnavailable(await request(appReading(tiny)).get('/'));
    } finally {
      release();
      await held;
      await tiny.destroy();
    }
  });
});
