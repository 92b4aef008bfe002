import { expect } from 'chai';
import request from 'supertest';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

const api = () => request(stack().app.callback());
const LOGIN = '/api/v1/auth/login';

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).to.equal(status);
  expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(res.body.type).to.equal(`https://delivery-aggregator.dev/problems/${code}`);
  expect(res.body.request_id).to.equal(res.headers['x-request-id']);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** The `n`th shortest key over ALPHABET: 1 to 3 characters for the first 131,830. */
function shortKey(n: number): string {
  let key = '';
  for (let rest = n + 1; rest > 0; rest = Math.floor((rest - 1) / ALPHABET.length)) {
    key = ALPHABET[(rest - 1) % ALPHABET.length] + key;
  }
  return key;
}

/** A JSON object of `count` distinct short keys, as a hostile client would send it. */
function manyKeysBody(count: number): string {
  const keys = Array.from({ length: count }, (_, i) => `"${shortKey(i)}":0`);
  return `{${keys.join(',')}}`;
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

describe('hostile input', () => {
  describe('bounded bodies', () => {
    it('when a login body holds 131,555 distinct keys, then 413 in milliseconds with a short answer', async () => {
      const body = manyKeysBody(131_555);
      expect(Buffer.byteLength(body)).to.be.below(1024 * 1024);
      const [res, elapsed] = await timed(() =>
        api().post(LOGIN).set('Content-Type', 'application/json').send(body),
      );
      expectProblem(res, 413, 'payload-too-large');
      expect(res.body.detail).to.equal('The request body holds more than 1000 values.');
      expect(res.text.length).to.be.below(2000);
      // It stalled the event loop for ~21 s; reading 1 MiB and one pass over it take milliseconds.
      expect(elapsed).to.be.below(1000);
    });

    it('when a body nests 3,000 arrays deep, then 413 instead of a stack overflow', async () => {
      for (const path of [LOGIN, '/api/v1/auth/forgot-password']) {
        const res = await api()
          .post(path)
          .set('Content-Type', 'application/json')
          .send('['.repeat(3000) + ']'.repeat(3000));
        expectProblem(res, 413, 'payload-too-large');
        expect(res.body.detail).to.equal('The request body nests deeper than 32 levels.');
      }
    });

    it('when a body within the bounds has many errors, then 400 lists the first 20 and counts them all', async () => {
      const res = await api()
        .post(LOGIN)
        .set('Content-Type', 'application/json')
        .send(manyKeysBody(900));
      expectProblem(res, 400, 'validation');
      expect(res.body.errors).to.have.length(20);
      // 900 unknown fields and the two missing ones.
      expect(res.body.error_count).to.equal(902);
    });
  });

  describe('ids', () => {
    it('when an id carries a urn:uuid: prefix, then 400 names it in every place an id is taken', async () => {
      const boss = await createUserWithToken({ role: 'super_admin' });
      const urn = `urn:uuid:${boss.user.id}`;
      const calls: [string, () => request.Test][] = [
        ['id', () => api().get(`/api/v1/deliveries/${urn}`)],
        [
          'id',
          () => api().post(`/api/v1/deliveries/${urn}/assign`).send({ admin_id: boss.user.id }),
        ],
        ['id', () => api().post(`/api/v1/deliveries/${urn}/status`).send({ status: 'IN_TRANSIT' })],
        ['id', () => api().post(`/api/v1/deliveries/${urn}/cancel`).send({})],
        [
          'admin_id',
          () => api().post(`/api/v1/deliveries/${boss.user.id}/assign`).send({ admin_id: urn }),
        ],
        ['assigned_to', () => api().get(`/api/v1/deliveries?assigned_to=${urn}`)],
        ['partner_id', () => api().get(`/api/v1/deliveries?partner_id=${urn}`)],
        ['id', () => api().get(`/api/v1/users/${urn}`)],
        ['id', () => api().patch(`/api/v1/users/${urn}`).send({ first_name: 'Ada' })],
        ['id', () => api().post(`/api/v1/notifications/${urn}/read`)],
      ];
      for (const [field, call] of calls) {
        const res = await call().set(bearer(boss.token));
        expectProblem(res, 400, 'validation');
        expect(res.body.errors.map((e: { field: string }) => e.field)).to.include(field);
      }
    });

    it('when an id is canonical in upper case, then it is accepted as the same id', async () => {
      const boss = await createUserWithToken({ role: 'super_admin' });
      const res = await api()
        .get(`/api/v1/users/${boss.user.id.toUpperCase()}`)
        .set(bearer(boss.token));
      expect(res.status).to.equal(200);
      expect(res.body.id).to.equal(boss.user.id);
    });
  });
});
