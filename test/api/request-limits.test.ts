import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

const PER_KEY = 3;
const PER_PARTNER = 8;
const WINDOW = 60;

/** The items of a structured-field list header, by name: `"per-key";r=2;t=59` → {r: 2, t: 59}. */
function items(header: string | undefined): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const item of (header ?? '').split(',').map((part) => part.trim())) {
    const [name, ...params] = item.split(';');
    out[JSON.parse(name!) as string] = Object.fromEntries(
      params.map((param) => {
        const [key, value] = param.split('=');
        return [key, Number(value)];
      }),
    );
  }
  return out;
}

describe('request limits (RateLimit headers)', () => {
  let limited: ReturnType<typeof request>;

  before(() => {
    const { deps, config } = stack();
    const app = createApp({
      ...deps,
      config: {
        ...config,
        RATE_LIMIT_PER_KEY: PER_KEY,
        RATE_LIMIT_PER_PARTNER: PER_PARTNER,
        RATE_LIMIT_WINDOW_SECONDS: WINDOW,
      },
    });
    limited = request(app.callback());
  });

  const newKey = async (token: string) => {
    const res = await limited.post('/api/v1/api-keys').set(bearer(token)).send({ name: 'limits' });
    expect(res.status).to.equal(201);
    return res.body.key as string;
  };

  it('when a partner calls with an API key, then every answer states both policies and what is left of each', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const key = await newKey(partner.token);
    const res = await limited.get('/api/v1/deliveries').set(bearer(key));
    expect(res.status).to.equal(200);
    expect(res.headers['ratelimit-policy']).to.equal(
      `"per-key";q=${PER_KEY};w=${WINDOW}, "per-partner";q=${PER_PARTNER};w=${WINDOW}`,
    );
    const left = items(res.headers['ratelimit']);
    expect(left['per-key']!['r']).to.equal(PER_KEY - 1);
    // The key's creation, signed in, counted towards the partner already.
    expect(left['per-partner']!['r']).to.equal(PER_PARTNER - 2);
    expect(left['per-key']!['t']).to.be.within(1, WINDOW);
  });

  it('when a key spends its quota, then it gets 429 problem+json with Retry-After and another key of the partner still passes', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const [first, second] = [await newKey(partner.token), await newKey(partner.token)];
    for (let i = 0; i < PER_KEY; i++) {
      expect((await limited.get('/api/v1/deliveries').set(bearer(first))).status).to.equal(200);
    }
    const refused = await limited.get('/api/v1/deliveries').set(bearer(first));
    expect(refused.status).to.equal(429);
    expect(refused.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(refused.body.type).to.equal('https://delivery-aggregator.dev/problems/rate-limited');
    expect(refused.body.detail).to.contain('per-key');
    expect(Number(refused.headers['retry-after'])).to.be.within(1, WINDOW);
    expect(items(refused.headers['ratelimit'])['per-key']!['r']).to.equal(0);

    const other = await limited.get('/api/v1/deliveries').set(bearer(second));
    expect(other.status).to.equal(200);
    expect(items(other.headers['ratelimit'])['per-key']!['r']).to.equal(PER_KEY - 1);
  });

  it('when a partner spends its quota over keys and sessions, then its session is refused too and another partner is not', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const key = await newKey(partner.token);
    for (let i = 0; i < PER_KEY; i++) {
      expect((await limited.get('/api/v1/deliveries').set(bearer(key))).status).to.equal(200);
    }
    // The key's creation and its calls count: what is left goes to the signed-in session.
    for (let i = 0; i < PER_PARTNER - 1 - PER_KEY; i++) {
      const res = await limited.get('/api/v1/deliveries').set(bearer(partner.token));
      expect(res.status).to.equal(200);
    }
    const refused = await limited.get('/api/v1/deliveries').set(bearer(partner.token));
    expect(refused.status).to.equal(429);
    expect(refused.body.detail).to.contain('per-partner');
    expect(refused.headers['ratelimit-policy']).to.equal(
      `"per-partner";q=${PER_PARTNER};w=${WINDOW}`,
    );

    const another = await createUserWithToken({ role: 'partner' });
    const res = await limited.get('/api/v1/deliveries').set(bearer(another.token));
    expect(res.status).to.equal(200);
    expect(items(res.headers['ratelimit'])['per-partner']!['r']).to.equal(PER_PARTNER - 1);
  });

  it('when an admin or a super admin calls, then no limit applies and no RateLimit header is sent', async () => {
    for (const role of ['admin', 'super_admin'] as const) {
      const user = await createUserWithToken({ role });
      for (let i = 0; i <= PER_PARTNER; i++) {
        const res = await limited.get('/api/v1/deliveries').set(bearer(user.token));
        expect(res.status).to.equal(200);
        expect(res.headers).not.to.have.property('ratelimit');
      }
    }
  });
});
