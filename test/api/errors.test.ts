import { Writable } from 'node:stream';
import { expect } from 'chai';
import Koa from 'koa';
import pino from 'pino';
import request from 'supertest';
import { AccessTokens } from '../../src/accounts/access-tokens';
import { errorMiddleware } from '../../src/api/middleware/errors';
import { deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken, uniqueEmail } from '../support/users';

const api = () => request(stack().app.callback());
const LOGIN = '/api/v1/auth/login';

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).to.equal(status);
  expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(res.body).to.include({ status });
  expect(res.body.type).to.equal(`https://delivery-aggregator.dev/problems/${code}`);
  expect(res.body.title).to.be.a('string').and.not.equal('');
  expect(res.body.detail).to.be.a('string').and.not.equal('');
  expect(res.body.request_id).to.equal(res.headers['x-request-id']);
}

describe('HTTP errors', () => {
  it('when the body is not JSON, then 415', async () => {
    const res = await api().post(LOGIN).set('Content-Type', 'text/plain').send('email=a');
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('when the body is over 1 MiB, then 413', async () => {
    const huge = JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(1024 * 1024) });
    const res = await api().post(LOGIN).set('Content-Type', 'application/json').send(huge);
    expectProblem(res, 413, 'payload-too-large');
  });

  it('when the JSON is malformed, then 400', async () => {
    const res = await api().post(LOGIN).set('Content-Type', 'application/json').send('{"email":');
    expectProblem(res, 400, 'malformed-json');
  });

  it('when the body has an unknown field or a wrong type, then 400 names each field', async () => {
    const { token } = await createUserWithToken({ role: 'super_admin' });
    const res = await api().post('/api/v1/users').set(bearer(token)).send({
      email: 'a@example.test',
      password: 12,
      role: 'admin',
      first_name: 'A',
      last_name: 'B',
      admin: true,
    });
    expectProblem(res, 400, 'validation');
    expect(res.body.errors).to.deep.include({ field: 'admin', message: 'is not an allowed field' });
    expect(res.body.errors.map((e: { field: string }) => e.field)).to.include('password');
  });

  it('when a body, query or path string holds a NUL character, then 400 names the field and nothing is stored', async () => {
    // PostgreSQL cannot store U+0000 in text: unchecked, it was a 500, or a workflow retrying forever.
    const boss = await createUserWithToken({ role: 'super_admin' });
    const email = uniqueEmail('nul');
    const user = await api().post('/api/v1/users').set(bearer(boss.token)).send({
      email,
      password: 'a-long-enough-password',
      role: 'admin',
      first_name: 'Ada',
      last_name: 'Love\u0000lace',
    });
    expectProblem(user, 400, 'validation');
    expect(user.body.errors).to.deep.equal([
      { field: 'last_name', message: 'must not contain NUL characters' },
    ]);
    expect(await stack().db('users').where({ email })).to.have.length(0);

    const search = await api().get('/api/v1/users?q=a%00b').set(bearer(boss.token));
    expectProblem(search, 400, 'validation');
    expect(search.body.errors).to.deep.equal([
      { field: 'q', message: 'must not contain NUL characters' },
    ]);

    const partner = await createUserWithToken({ role: 'partner' });
    const delivery = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody({ notes: 'ring\u0000twice' }));
    expectProblem(delivery, 400, 'validation');
    expect(delivery.body.errors).to.deep.equal([
      { field: 'notes', message: 'must not contain NUL characters' },
    ]);
    expect(await stack().db('deliveries').where({ partner_id: partner.user.id })).to.have.length(0);
  });

  it('when a body string holds an unpaired surrogate, then 400 instead of a silently altered value', async () => {
    const boss = await createUserWithToken({ role: 'super_admin' });
    const email = uniqueEmail('surrogate');
    const res = await api()
      .post('/api/v1/users')
      .set(bearer(boss.token))
      .set('Content-Type', 'application/json')
      .send(
        `{"email":"${email}","password":"a-long-enough-password","role":"admin","first_name":"\\ud800","last_name":"\\ud83d\\ude00"}`,
      );
    expectProblem(res, 400, 'validation');
    expect(res.body.errors).to.deep.equal([
      { field: 'first_name', message: 'must be valid Unicode (an unpaired surrogate is not)' },
    ]);
    expect(await stack().db('users').where({ email })).to.have.length(0);
  });

  it('when a route is called with a method it does not have, then 405 with Allow; on an unknown path, 404', async () => {
    for (const res of [
      await api().trace('/api/v1/notifications/read-all'),
      await api().purge('/api/v1/notifications/read-all'),
    ]) {
      expectProblem(res, 405, 'method-not-allowed');
      expect(res.headers['allow']).to.equal('POST');
    }
    const unknown = await api().trace('/api/v1/nowhere');
    expectProblem(unknown, 404, 'route-not-found');
  });

  it('when the token is missing or garbage, then 401 with WWW-Authenticate: Bearer', async () => {
    for (const auth of [undefined, 'Bearer not.a.jwt', 'Basic abc']) {
      const req = api().get('/api/v1/users/me');
      if (auth) req.set('Authorization', auth);
      const res = await req;
      expectProblem(res, 401, 'unauthenticated');
      expect(res.headers['www-authenticate']).to.equal('Bearer');
    }
  });

  it('when an access token has expired, then 401', async () => {
    const { user } = await createUserWithToken();
    const stale = new AccessTokens(stack().config.JWT_SECRET, -60);
    const token = await stale.sign({ userId: user.id, role: user.role });
    const res = await api().get('/api/v1/users/me').set(bearer(token));
    expectProblem(res, 401, 'unauthenticated');
    expect(res.body.detail).to.match(/expired/);
  });

  it('when the role is not allowed, then 403', async () => {
    const { token } = await createUserWithToken({ role: 'partner' });
    expectProblem(await api().get('/api/v1/users').set(bearer(token)), 403, 'forbidden');
  });

  it('when the client sends X-Request-Id, then it is echoed; when it is unusable, one is made', async () => {
    const echoed = await api().get('/healthz').set('X-Request-Id', 'req-42.a_b');
    expect(echoed.headers['x-request-id']).to.equal('req-42.a_b');
    const replaced = await api().get('/healthz').set('X-Request-Id', 'bad id\twith spaces');
    expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('when a handler throws unexpectedly, then a generic 500 carries the request id and the log has the rest', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = new Koa();
    app.silent = true;
    app.use(errorMiddleware(pino({ level: 'error' }, sink)));
    app.use(() => {
      throw new Error('select * from secrets -- at Object.<anonymous> (/app/src/thing.ts:1:1)');
    });
    const res = await request(app.callback()).get('/boom').set('X-Request-Id', 'trace-500');
    expectProblem(res, 500, 'internal');
    expect(res.headers['x-request-id']).to.equal('trace-500');
    expect(res.text).to.not.match(/select|secrets|thing\.ts|stack|at Object/);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).to.have.length(1);
    expect(logged[0]).to.include({ requestId: 'trace-500' });
    expect(JSON.stringify(logged[0])).to.match(/select \* from secrets/);
  });
});
