import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { verifyPassword } from '../../src/accounts/passwords';
import { stack } from '../support/stack';
import { bearer, createUser, createUserWithToken, uniqueEmail } from '../support/users';

const api = () => request(stack().app.callback());
const superAdmin = () => createUserWithToken({ role: 'super_admin' });

function newUser(overrides: Record<string, unknown> = {}) {
  return {
    email: uniqueEmail('new'),
    password: 'a-long-enough-password',
    role: 'admin',
    first_name: 'Ada',
    last_name: 'Lovelace',
    ...overrides,
  };
}

describe('POST /users', () => {
  it('when a super admin creates a user, then 201 with the user, Location and a stored hash', async () => {
    const { token } = await superAdmin();
    const body = newUser();
    const res = await api().post('/api/v1/users').set(bearer(token)).send(body);
    expect(res.status).to.equal(201);
    expect(Object.keys(res.body).sort()).to.deep.equal(
      ['created_at', 'email', 'first_name', 'id', 'is_active', 'last_name', 'role'].sort(),
    );
    expect(res.body).to.include({
      email: body.email,
      role: 'admin',
      first_name: 'Ada',
      last_name: 'Lovelace',
      is_active: true,
    });
    expect(res.headers['location']).to.equal(`/api/v1/users/${res.body.id}`);
    const row = await stack().db('users').where('id', res.body.id).first();
    expect(row.password_hash).to.match(/^\$argon2id\$/);
    expect(await verifyPassword(row.password_hash, body.password)).to.equal(true);
    expect(row.is_active).to.equal(true);
  });

  it('when the email exists in another letter case, then 409 and nothing is stored', async () => {
    const { token } = await superAdmin();
    const { user } = await createUser();
    const res = await api()
      .post('/api/v1/users')
      .set(bearer(token))
      .send(newUser({ email: user.email.toUpperCase() }));
    expect(res.status).to.equal(409);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(res.body.detail).to.not.match(/users_email|duplicate key|constraint/i);
    const rows = await stack().db('users').whereRaw('lower(email) = lower(?)', [user.email]);
    expect(rows).to.have.length(1);
  });

  it('when the password breaks the policy, then 400 names the password', async () => {
    const { token } = await superAdmin();
    const email = uniqueEmail('policy');
    const short = await api()
      .post('/api/v1/users')
      .set(bearer(token))
      .send(newUser({ password: 'short' }));
    const sameAsEmail = await api()
      .post('/api/v1/users')
      .set(bearer(token))
      .send(newUser({ email, password: email }));
    for (const res of [short, sameAsEmail]) {
      expect(res.status).to.equal(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['password']);
    }
    expect(await stack().db('users').where('email', email)).to.have.length(0);
  });

  it('when fields are missing, unknown or malformed, then 400 lists each', async () => {
    const { token } = await superAdmin();
    const res = await api()
      .post('/api/v1/users')
      .set(bearer(token))
      .send({ email: 'nope', role: 'owner', first_name: '', is_admin: true });
    expect(res.status).to.equal(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).to.deep.equal(
      ['email', 'first_name', 'is_admin', 'last_name', 'password', 'role'].sort(),
    );
  });
});

describe('GET /users/{id}', () => {
  it('when a user reads themself, then 200', async () => {
    const { user, token } = await createUserWithToken({ role: 'partner' });
    const res = await api().get(`/api/v1/users/${user.id}`).set(bearer(token));
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      id: user.id,
      email: user.email,
      role: user.role,
      first_name: user.first_name,
      last_name: user.last_name,
      is_active: true,
      created_at: user.created_at,
    });
  });

  it('when a non-admin reads someone else, then 404 as if it did not exist', async () => {
    const { token } = await createUserWithToken({ role: 'admin' });
    const { user: other } = await createUser({ role: 'partner' });
    const res = await api().get(`/api/v1/users/${other.id}`).set(bearer(token));
    expect(res.status).to.equal(404);
    const missing = await api().get(`/api/v1/users/${randomUUID()}`).set(bearer(token));
    expect(missing.status).to.equal(404);
    expect({ ...res.body, request_id: null }).to.deep.equal({ ...missing.body, request_id: null });
  });

  it('when a super admin reads anyone, then 200; an unknown id is 404; a bad id is 400', async () => {
    const { token } = await superAdmin();
    const { user: other } = await createUser();
    expect((await api().get(`/api/v1/users/${other.id}`).set(bearer(token))).body.id).to.equal(
      other.id,
    );
    expect((await api().get(`/api/v1/users/${randomUUID()}`).set(bearer(token))).status).to.equal(
      404,
    );
    const bad = await api().get('/api/v1/users/not-a-uuid').set(bearer(token));
    expect(bad.status).to.equal(400);
    expect(bad.body.errors[0].field).to.equal('id');
  });
});

describe('PATCH /users/{id}', () => {
  it('when a super admin changes names and role, then they are stored and take effect at once', async () => {
    const { token } = await superAdmin();
    const target = await createUserWithToken({ role: 'partner' });
    const res = await api()
      .patch(`/api/v1/users/${target.user.id}`)
      .set(bearer(token))
      .send({ role: 'admin', first_name: 'Grace', last_name: 'Hopper' });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ role: 'admin', first_name: 'Grace', last_name: 'Hopper' });
    const row = await stack().db('users').where('id', target.user.id).first();
    expect(row).to.include({ role: 'admin', first_name: 'Grace', last_name: 'Hopper' });
    // The old token still says "partner", but the role is read from the database per request.
    const me = await api().get('/api/v1/users/me').set(bearer(target.token));
    expect(me.body.role).to.equal('admin');
  });

  it('when a user is reactivated, then they can sign in again', async () => {
    const { token } = await superAdmin();
    const { user, password } = await createUser({ is_active: false });
    const res = await api()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(token))
      .send({ is_active: true });
    expect(res.body.is_active).to.equal(true);
    const login = await api()
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', '10.200.0.1')
      .send({ email: user.email, password });
    expect(login.status).to.equal(200);
  });

  it('when a super admin tries to deactivate or demote themself, then 422 and nothing changes', async () => {
    const { user, token } = await superAdmin();
    for (const change of [{ is_active: false }, { role: 'admin' }]) {
      const res = await api().patch(`/api/v1/users/${user.id}`).set(bearer(token)).send(change);
      expect(res.status).to.equal(422);
    }
    const row = await stack().db('users').where('id', user.id).first();
    expect(row).to.include({ role: 'super_admin', is_active: true });
  });

  it('when the body is empty, has unknown fields or the user is unknown, then 400 or 404', async () => {
    const { token } = await superAdmin();
    const { user } = await createUser();
    const empty = await api().patch(`/api/v1/users/${user.id}`).set(bearer(token)).send({});
    expect(empty.status).to.equal(400);
    const email = await api()
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(token))
      .send({ email: 'x@example.test' });
    expect(email.status).to.equal(400);
    expect(email.body.errors).to.deep.include({
      field: 'email',
      message: 'is not an allowed field',
    });
    const unknown = await api()
      .patch(`/api/v1/users/${randomUUID()}`)
      .set(bearer(token))
      .send({ first_name: 'X' });
    expect(unknown.status).to.equal(404);
  });
});

describe('GET /users', () => {
  // Every user of this block shares a marker in its last name, so filters see only them.
  const marker = `m${randomUUID().slice(0, 8)}`;
  let token: string;
  const made: { id: string; role: string; is_active: boolean }[] = [];

  before(async () => {
    token = (await superAdmin()).token;
    const specs = [
      { role: 'admin' as const, is_active: true, first_name: 'Zed' },
      { role: 'partner' as const, is_active: true, first_name: 'Yan' },
      { role: 'partner' as const, is_active: false, first_name: 'Xia' },
      { role: 'admin' as const, is_active: false, first_name: 'Wu_%' },
      { role: 'partner' as const, is_active: true, first_name: 'Vic' },
    ];
    for (const spec of specs) {
      const { user } = await createUser({ ...spec, last_name: marker });
      made.push(user);
    }
  });

  const list = (query: Record<string, string | number | boolean>) =>
    api().get('/api/v1/users').query(query).set(bearer(token));

  it('when paging through by two, then every user appears once, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = { q: marker, limit: 2 };
      if (cursor) query['cursor'] = cursor;
      const res = await list(query);
      expect(res.status).to.equal(200);
      expect(res.body.data.length).to.be.at.most(2);
      seen.push(...res.body.data.map((u: { id: string }) => u.id));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).to.equal(3);
    expect(seen).to.deep.equal(made.map((u) => u.id).reverse());
  });

  it('when filtering by role and is_active, then only matching users come back', async () => {
    const res = await list({ q: marker, role: 'partner', is_active: 'true' });
    expect(res.status).to.equal(200);
    const expected = made.filter((u) => u.role === 'partner' && u.is_active).map((u) => u.id);
    expect(res.body.data.map((u: { id: string }) => u.id).sort()).to.deep.equal(expected.sort());
    expect(res.body.next_cursor).to.equal(null);
  });

  it('when searching, then names, full name and email match and % and _ are literal', async () => {
    const byFullName = await list({ q: `yan ${marker}` });
    expect(byFullName.body.data.map((u: { id: string }) => u.id)).to.deep.equal([made[1]?.id]);
    const literal = await list({ q: 'Wu_%' });
    expect(literal.body.data.map((u: { id: string }) => u.id)).to.deep.equal([made[3]?.id]);
    const wildcard = await list({ q: `_%${marker}` });
    expect(wildcard.body.data).to.deep.equal([]);
  });

  it('when the query is invalid, then 400 names the parameter', async () => {
    const res = await list({ limit: 101, role: 'owner', cursor: 'garbage', extra: 1 });
    expect(res.status).to.equal(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).to.deep.equal(['extra', 'limit', 'role']);
    const cursor = await list({ cursor: 'garbage' });
    expect(cursor.status).to.equal(400);
    expect(cursor.body.errors).to.deep.equal([
      { field: 'cursor', message: 'is not a cursor this endpoint issued' },
    ]);
  });
});
