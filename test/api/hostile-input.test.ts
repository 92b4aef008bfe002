import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import request from 'supertest';
import { closeServer, listen } from '../../src/api/listen';
import { deliveryBody } from '../support/deliveries';
import { RawConnection } from '../support/raw-http';
import { stack } from '../support/stack';
import { bearer, createUserWithToken, uniqueEmail } from '../support/users';

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

  describe('oversized bodies on a real connection', () => {
    let server: Server;
    let port: number;
    before(async () => {
      server = await listen(stack().app, 0, '127.0.0.1');
      port = (server.address() as { port: number }).port;
    });
    after(() => closeServer(server));

    const healthz = 'GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n';
    const login = (headers: string) =>
      `POST ${LOGIN} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n${headers}\r\n`;

    it('when a 3 MiB body is sent whole, then 413 arrives and the same connection serves the next request', async () => {
      const connection = await RawConnection.open(port);
      try {
        for (let round = 0; round < 3; round++) {
          const body = Buffer.alloc(3 * 1024 * 1024, 'a');
          connection.write(login(`Content-Length: ${body.length}\r\n`));
          connection.write(body);
          const refused = await connection.response();
          expect(refused.status).to.equal(413);
          expect(refused.headers['content-type']).to.match(/^application\/problem\+json/);
          expect(JSON.parse(refused.body)).to.include({ status: 413 });
          connection.write(healthz);
          expect((await connection.response()).status).to.equal(200);
        }
      } finally {
        connection.close();
      }
    });

    it('when a chunked body grows past 1 MiB, then 413 and the connection stays usable', async () => {
      const connection = await RawConnection.open(port);
      try {
        connection.write(login('Transfer-Encoding: chunked\r\n'));
        const chunk = Buffer.alloc(256 * 1024, 'a');
        for (let i = 0; i < 8; i++) {
          connection.write(`${chunk.length.toString(16)}\r\n`);
          connection.write(chunk);
          connection.write('\r\n');
        }
        connection.write('0\r\n\r\n');
        expect((await connection.response()).status).to.equal(413);
        connection.write(healthz);
        expect((await connection.response()).status).to.equal(200);
      } finally {
        connection.close();
      }
    });

    it('when the URL is over 16 KB, then 431 as problem+json', async () => {
      const connection = await RawConnection.open(port);
      try {
        connection.write(
          `GET /api/v1/deliveries?q=${'a'.repeat(17 * 1024)} HTTP/1.1\r\nHost: test\r\n\r\n`,
        );
        const refused = await connection.response();
        expect(refused.status).to.equal(431);
        expect(refused.headers['content-type']).to.equal('application/problem+json');
        const problem = JSON.parse(refused.body);
        expect(problem).to.include({
          type: 'https://delivery-aggregator.dev/problems/headers-too-large',
          status: 431,
          request_id: refused.headers['x-request-id'],
        });
      } finally {
        connection.close();
      }
    });

    it('when a body is announced far beyond what is worth reading, then 413 with Connection: close', async () => {
      const connection = await RawConnection.open(port);
      try {
        connection.write(login(`Content-Length: ${1024 * 1024 * 1024}\r\n`));
        const refused = await connection.response();
        expect(refused.status).to.equal(413);
        expect(refused.headers['connection']).to.equal('close');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(connection.ended).to.equal(true);
      } finally {
        connection.close();
      }
    });
  });

  describe('text taken exactly or refused', () => {
    it('when the body has bytes that are not UTF-8, then 400 names the body and nothing is stored', async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const json = JSON.stringify(deliveryBody({ product_name: 'Caf__ crème' }));
      const bytes = Buffer.from(json);
      const at = bytes.indexOf('__');
      bytes[at] = 0xc3; // a lead byte followed by another lead byte: not UTF-8
      bytes[at + 1] = 0xc3;
      const res = await api()
        .post('/api/v1/deliveries')
        .set(bearer(partner.token))
        .set('Content-Type', 'application/json')
        // superagent would serialise a Buffer as JSON; these bytes go out as they are.
        .serialize((data: unknown) => data as string)
        .send(bytes);
      expectProblem(res, 400, 'malformed-json');
      expect(res.body.detail).to.equal('The request body is not valid UTF-8.');
      expect(res.body.errors).to.deep.equal([{ field: 'body', message: 'must be valid UTF-8' }]);
      const stored = await stack().db('deliveries').where({ partner_id: partner.user.id });
      expect(stored).to.have.length(0);
    });

    it('when the body declares a charset other than UTF-8, then 415 names it', async () => {
      const res = await api()
        .post(LOGIN)
        .set('Content-Type', 'application/json; charset=iso-8859-1')
        .serialize((data: unknown) => data as string)
        .send(Buffer.from('{"email":"caf\xe9@example.test","password":"x"}', 'latin1'));
      expectProblem(res, 415, 'unsupported-media-type');
      expect(res.body.detail).to.match(/iso-8859-1/);
    });

    it('when the body declares UTF-8 in any letter case, then it is read', async () => {
      const res = await api()
        .post(LOGIN)
        .set('Content-Type', 'application/json; charset=UTF-8')
        .send(JSON.stringify({ email: uniqueEmail('charset'), password: 'not-the-password' }));
      expectProblem(res, 401, 'unauthenticated');
    });

    for (const [encoding, body] of [
      ['br', Buffer.from('{"email":"a@example.test","password":"x"}')],
      ['gzip', gzipSync('{"email":"a@example.test","password":"x"}')],
    ] as const) {
      it(`when the body has Content-Encoding: ${encoding}, then 415 names the encoding`, async () => {
        const res = await api()
          .post(LOGIN)
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', encoding)
          .serialize((data: unknown) => data as string)
          .send(body);
        expectProblem(res, 415, 'unsupported-media-type');
        expect(res.body.detail).to.include(`Content-Encoding ${encoding}`);
        expect(res.headers['accept-encoding']).to.equal('identity');
      });
    }
  });

  describe('what the server answers is what the document says', () => {
    it('when PATCH /users/me is sent, then 405 with the same Allow that OPTIONS advertises', async () => {
      const { token } = await createUserWithToken({ role: 'super_admin' });
      const options = await api().options('/api/v1/users/me').set(bearer(token));
      expect(options.status).to.equal(200);
      const allowed = String(options.headers['allow']).split(', ').sort();
      expect(allowed).to.deep.equal(['GET', 'HEAD']);
      const patch = await api()
        .patch('/api/v1/users/me')
        .set(bearer(token))
        .send({ first_name: 'Ada' });
      expectProblem(patch, 405, 'method-not-allowed');
      expect(String(patch.headers['allow']).split(', ').sort()).to.deep.equal(allowed);
      // The id route still takes ids.
      const options2 = await api().options(`/api/v1/users/${randomUUID()}`).set(bearer(token));
      expect(String(options2.headers['allow']).split(', ').sort()).to.deep.equal([
        'GET',
        'HEAD',
        'PATCH',
      ]);
    });

    it('when a password reset is requested, then 202 with no body and no content type', async () => {
      const res = await api()
        .post('/api/v1/auth/forgot-password')
        .send({ email: uniqueEmail('forgot') });
      expect(res.status).to.equal(202);
      expect(res.headers['content-type']).to.equal(undefined);
      expect(res.headers['content-length']).to.equal('0');
      expect(res.text).to.equal('');
    });

    it('when a number or flag in the query is not written plainly, then 400 names it', async () => {
      const { token } = await createUserWithToken({ role: 'partner' });
      for (const query of [
        'limit=1e2',
        'limit=0x10',
        'limit=%205',
        'limit=05',
        'limit=%2B5',
        'limit=5.0',
      ]) {
        const res = await api().get(`/api/v1/deliveries?${query}`).set(bearer(token));
        expectProblem(res, 400, 'validation');
        expect(res.body.errors.map((e: { field: string }) => e.field)).to.include('limit');
      }
      const unread = await api().get('/api/v1/notifications?unread=1').set(bearer(token));
      expectProblem(unread, 400, 'validation');
      expect((await api().get('/api/v1/deliveries?limit=5').set(bearer(token))).status).to.equal(
        200,
      );
      expect(
        (await api().get('/api/v1/notifications?unread=false').set(bearer(token))).status,
      ).to.equal(200);
    });

    it('when a path differs in letter case or has a trailing slash, then 404', async () => {
      const { token } = await createUserWithToken({ role: 'partner' });
      for (const path of [
        '/api/v1/Users/me',
        '/API/v1/deliveries',
        '/api/v1/users/me/',
        '/api/v1/deliveries/',
      ]) {
        expectProblem(await api().get(path).set(bearer(token)), 404, 'route-not-found');
      }
    });
  });
});
