import { expect } from 'chai';
import request from 'supertest';
import { stack } from '../support/stack';

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
});
