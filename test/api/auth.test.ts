import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { hashOpaqueToken } from '../../src/accounts/opaque-token';
import { stack } from '../support/stack';
import { bearer, createUser, createUserWithToken } from '../support/users';

const api = () => request(stack().app.callback());

/** A fresh client address per test, so address-wide limits never couple tests. */
function randomAddress(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `10.${octet()}.${octet()}.${octet()}`;
}

function login(email: string, password: string, address = randomAddress()) {
  return api().post('/api/v1/auth/login').set('X-Forwarded-For', address).send({ email, password });
}

async function storedToken(refreshToken: string) {
  return stack()
    .db('refresh_tokens')
    .where('token_hash', hashOpaqueToken(refreshToken))
    .first<{ family_id: string; used_at: Date | null; revoked_at: Date | null }>();
}

describe('login', () => {
  it('when the credentials are right, then a token pair and the user come back', async () => {
    const { user, password } = await createUser({ role: 'admin' });
    const res = await login(user.email.toUpperCase(), password);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({
      token_type: 'Bearer',
      expires_in: stack().config.ACCESS_TOKEN_TTL_SECONDS,
    });
    expect(res.body.user).to.deep.equal({
      id: user.id,
      email: user.email,
      role: 'admin',
      first_name: user.first_name,
      last_name: user.last_name,
      is_active: true,
      created_at: user.created_at,
    });
    const claims = await stack().deps.tokens.verify(res.body.access_token);
    expect(claims).to.deep.equal({ userId: user.id, role: 'admin' });
    const stored = await storedToken(res.body.refresh_token);
    expect(stored).to.include({ used_at: null, revoked_at: null });

    const me = await api().get('/api/v1/users/me').set(bearer(res.body.access_token));
    expect(me.status).to.equal(200);
    expect(me.body).to.include({ id: user.id, email_verified: true });
  });

  it('when the email is unknown or the password wrong, then the same 401 answers both', async () => {
    const { user } = await createUser();
    const unknown = await login(`nobody-${randomUUID()}@example.test`, 'whatever-password');
    const wrong = await login(user.email, 'not-the-password');
    for (const res of [unknown, wrong]) {
      expect(res.status).to.equal(401);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).to.equal('Bearer');
    }
    const strip = (body: Record<string, unknown>) => ({ ...body, request_id: undefined });
    expect(strip(unknown.body)).to.deep.equal(strip(wrong.body));
  });

  it('when the user is deactivated, then the right password still gets 401', async () => {
    const { user, password } = await createUser({ is_active: false });
    const res = await login(user.email, password);
    expect(res.status).to.equal(401);
    expect(await stack().db('refresh_tokens').where('user_id', user.id)).to.have.length(0);
  });

  it('when the body is invalid, then 400 names each field', async () => {
    const res = await api()
      .post('/api/v1/auth/login')
      .send({ email: 'not-an-email', password: '', extra: 1 });
    expect(res.status).to.equal(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).to.deep.equal(['email', 'extra', 'password']);
  });
});

describe('login rate limiting', () => {
  it('when an account keeps failing, then it gets 429 with Retry-After, even with the right password', async () => {
    const { user, password } = await createUser();
    const limit = stack().config.LOGIN_MAX_FAILURES_PER_EMAIL;
    for (let i = 0; i < limit; i++) {
      expect((await login(user.email, 'wrong-password-guess')).status).to.equal(401);
    }
    const blocked = await login(user.email, password);
    expect(blocked.status).to.equal(429);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).to.be.greaterThan(0);
    expect(retryAfter).to.be.at.most(stack().config.LOGIN_FAILURE_WINDOW_SECONDS);
    expect(blocked.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(blocked.body.type).to.match(/\/rate-limited$/);
  });

  it('when one address fails across many accounts, then it is limited, but others are not', async () => {
    const address = randomAddress();
    const limit = stack().config.LOGIN_MAX_FAILURES_PER_ADDRESS;
    for (let i = 0; i < limit; i++) {
      const res = await login(`nobody-${randomUUID()}@example.test`, 'guess-guess', address);
      expect(res.status).to.equal(401);
    }
    const { user, password } = await createUser();
    const fromSameAddress = await login(user.email, password, address);
    expect(fromSameAddress.status).to.equal(429);
    expect(Number(fromSameAddress.headers['retry-after'])).to.be.greaterThan(0);
    const fromElsewhere = await login(user.email, password);
    expect(fromElsewhere.status).to.equal(200);
  });

  it('when a login succeeds, then the account’s earlier failures are forgotten', async () => {
    const { user, password } = await createUser();
    const limit = stack().config.LOGIN_MAX_FAILURES_PER_EMAIL;
    for (let i = 0; i < limit - 1; i++) await login(user.email, 'wrong-password-guess');
    expect((await login(user.email, password)).status).to.equal(200);
    expect((await login(user.email, 'wrong-password-guess')).status).to.equal(401);
    expect((await login(user.email, password)).status).to.equal(200);
  });
});

describe('refresh tokens', () => {
  it('when a refresh token is used, then a new pair comes back and the old one is spent', async () => {
    const { user, password } = await createUser({ role: 'partner' });
    const first = (await login(user.email, password)).body;
    const res = await api()
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: first.refresh_token });
    expect(res.status).to.equal(200);
    expect(res.body.refresh_token).to.not.equal(first.refresh_token);
    expect(res.body.user.id).to.equal(user.id);
    expect((await stack().deps.tokens.verify(res.body.access_token)).userId).to.equal(user.id);
    const [oldRow, newRow] = await Promise.all([
      storedToken(first.refresh_token),
      storedToken(res.body.refresh_token),
    ]);
    expect(oldRow?.used_at).to.be.an.instanceOf(Date);
    expect(newRow?.family_id).to.equal(oldRow?.family_id);
  });

  it('when a spent refresh token is presented again, then 401 and its whole family is revoked', async () => {
    const { user, password } = await createUser();
    const first = (await login(user.email, password)).body;
    const second = (
      await api().post('/api/v1/auth/refresh').send({ refresh_token: first.refresh_token })
    ).body;
    const reuse = await api()
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: first.refresh_token });
    expect(reuse.status).to.equal(401);
    expect(reuse.headers['www-authenticate']).to.equal('Bearer');
    const stillValid = await api()
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: second.refresh_token });
    expect(stillValid.status).to.equal(401);
    const family = await stack()
      .db('refresh_tokens')
      .where('family_id', (await storedToken(first.refresh_token))?.family_id);
    expect(family).to.have.length(2);
    for (const row of family) expect(row.revoked_at).to.be.an.instanceOf(Date);
  });

  it('when two sessions exist and one is reused, then only that family is revoked', async () => {
    const { user, password } = await createUser();
    const a = (await login(user.email, password)).body;
    const b = (await login(user.email, password)).body;
    await api().post('/api/v1/auth/refresh').send({ refresh_token: a.refresh_token });
    await api().post('/api/v1/auth/refresh').send({ refresh_token: a.refresh_token });
    const res = await api().post('/api/v1/auth/refresh').send({ refresh_token: b.refresh_token });
    expect(res.status).to.equal(200);
  });

  it('when the refresh token is garbage, then 401', async () => {
    const res = await api().post('/api/v1/auth/refresh').send({ refresh_token: 'garbage' });
    expect(res.status).to.equal(401);
    expect(res.body).to.include({ status: 401 });
  });

  it('when the refresh token has expired, then 401', async () => {
    const { user, password } = await createUser();
    const first = (await login(user.email, password)).body;
    await stack()
      .db('refresh_tokens')
      .where('token_hash', hashOpaqueToken(first.refresh_token))
      .update({ expires_at: new Date(Date.now() - 1000) });
    const res = await api()
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: first.refresh_token });
    expect(res.status).to.equal(401);
  });

  it('when the session began longer ago than its maximum age, then refreshing ends it with 401', async () => {
    const { user, password } = await createUser();
    const first = (await login(user.email, password)).body;
    const second = (
      await api().post('/api/v1/auth/refresh').send({ refresh_token: first.refresh_token })
    ).body;
    const maxAge = stack().config.REFRESH_SESSION_MAX_AGE_SECONDS;
    await stack()
      .db('refresh_tokens')
      .where('token_hash', hashOpaqueToken(first.refresh_token))
      .update({ created_at: new Date(Date.now() - (maxAge + 60) * 1000) });

    const res = await api()
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: second.refresh_token });
    expect(res.status).to.equal(401);
    expect((await storedToken(second.refresh_token))?.revoked_at).to.be.an.instanceOf(Date);
  });
});

describe('logout', () => {
  it('when a user logs out, then 204 and the refresh token no longer works', async () => {
    const { user, password } = await createUser();
    const session = (await login(user.email, password)).body;
    const res = await api()
      .post('/api/v1/auth/logout')
      .send({ refresh_token: session.refresh_token });
    expect(res.status).to.equal(204);
    expect((await storedToken(session.refresh_token))?.revoked_at).to.be.an.instanceOf(Date);
    const again = await api()
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: session.refresh_token });
    expect(again.status).to.equal(401);
  });

  it('when the token is unknown, then logout still answers 204', async () => {
    const res = await api().post('/api/v1/auth/logout').send({ refresh_token: randomUUID() });
    expect(res.status).to.equal(204);
  });
});

describe('deactivation', () => {
  it('when a super admin deactivates a user, then their access and refresh tokens stop at once', async () => {
    const admin = await createUserWithToken({ role: 'super_admin' });
    const { user, password } = await createUser({ role: 'partner' });
    const session = (await login(user.email, password)).body;
    expect((await api().get('/api/v1/users/me').set(bearer(session.access_token))).status).to.equal(
      200,
    );

    const patch = await api()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(admin.token))
      .send({ is_active: false });
    expect(patch.status).to.equal(200);
    expect(patch.body.is_active).to.equal(false);

    const me = await api().get('/api/v1/users/me').set(bearer(session.access_token));
    expect(me.status).to.equal(401);
    expect(me.headers['www-authenticate']).to.equal('Bearer');
    const refreshed = await api()
      .post('/api/v1/auth/refresh')
      .send({ refresh_token: session.refresh_token });
    expect(refreshed.status).to.equal(401);
    expect((await storedToken(session.refresh_token))?.revoked_at).to.be.an.instanceOf(Date);
  });
});
