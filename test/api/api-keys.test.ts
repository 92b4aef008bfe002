import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { hashOpaqueToken } from '../../src/accounts/opaque-token';
import { deliveryStartOptions } from '../../src/deliveries/delivery-runs';
import { deliveryWorkflow } from '../../src/workflows';
import { deliveryBody, deliveryInput } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

const api = () => request(stack().app.callback());
const KEY_PATTERN = /^dak_live_[0-9A-Za-z]{32}$/;

/** A fresh client address per test, so address-wide limits never couple tests. */
function randomAddress(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `10.${octet()}.${octet()}.${octet()}`;
}

async function createKey(token: string, body: Record<string, unknown> = {}) {
  const res = await api()
    .post('/api/v1/api-keys')
    .set(bearer(token))
    .send({ name: `shop backend ${randomUUID()}`, ...body });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: string; name: string; key: string; prefix: string };
}

const createDeliveryWith = (key: string, address = randomAddress()) =>
  api()
    .post('/api/v1/deliveries')
    .set(bearer(key))
    .set('X-Forwarded-For', address)
    .set('Idempotency-Key', randomUUID())
    .send(deliveryBody());

describe('partner API keys', () => {
  it('when a partner creates a key, then the secret is shown once, listed without it and stored only as a hash', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const created = await createKey(partner.token, { name: 'Shopify sync' });
    expect(created.key).to.match(KEY_PATTERN);
    expect(created).to.deep.include({
      name: 'Shopify sync',
      prefix: created.key.slice(0, 15),
      last_used_at: null,
      expires_at: null,
      revoked_at: null,
    });

    const list = await api().get('/api/v1/api-keys').set(bearer(partner.token));
    expect(list.status).to.equal(200);
    expect(list.body.data).to.have.length(1);
    const listed: Record<string, unknown> = { ...created };
    delete listed['key'];
    expect(list.body.data[0]).to.deep.equal(listed);
    expect(JSON.stringify(list.body)).to.not.include(created.key);

    const [row] = await stack().db('api_keys').where({ id: created.id });
    expect(row).to.include({ partner_id: partner.user.id, key_hash: hashOpaqueToken(created.key) });
    expect(JSON.stringify(row)).to.not.include(created.key);
  });

  it('when a request carries the key, then it acts as the partner, the timeline names the key and last use is recorded', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const { id: keyId, key, name } = await createKey(partner.token);

    const created = await createDeliveryWith(key);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.partner_id).to.equal(partner.user.id);

    const detail = await api().get(`/api/v1/deliveries/${created.body.id}`).set(bearer(key));
    expect(detail.status).to.equal(200);
    expect(detail.body.timeline).to.have.length(1);
    expect(detail.body.timeline[0]).to.include({
      type: 'created',
      actor_id: partner.user.id,
      actor_key_name: name,
    });
    const [event] = await stack().db('delivery_events').where({ delivery_id: created.body.id });
    expect(event.actor_api_key_id).to.equal(keyId);

    const [used] = await stack().db('api_keys').where({ id: keyId });
    expect(used.last_used_at).to.be.instanceOf(Date);
    // Within the minute another request does not write the time again.
    await api().get('/api/v1/deliveries').set(bearer(key));
    const [again] = await stack().db('api_keys').where({ id: keyId });
    expect(again.last_used_at.getTime()).to.equal(used.last_used_at.getTime());
  });

  it('when the key cancels the delivery, then the cancellation names the key too', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const { id: keyId, key, name } = await createKey(partner.token);
    const created = await createDeliveryWith(key);
    const cancelled = await api()
      .post(`/api/v1/deliveries/${created.body.id}/cancel`)
      .set(bearer(key))
      .send({ reason: 'order withdrawn' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    const detail = await api().get(`/api/v1/deliveries/${created.body.id}`).set(bearer(key));
    expect(detail.body.timeline.at(-1)).to.include({
      type: 'cancelled',
      actor_id: partner.user.id,
      actor_key_name: name,
    });
    const [event] = await stack()
      .db('delivery_events')
      .where({ delivery_id: created.body.id, type: 'cancelled' });
    expect(event.actor_api_key_id).to.equal(keyId);
  });

  it('when a partner signed in creates a delivery, then its timeline names no key', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const created = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody());
    expect(created.status).to.equal(201);
    const detail = await api()
      .get(`/api/v1/deliveries/${created.body.id}`)
      .set(bearer(partner.token));
    expect(detail.body.timeline[0]).to.include({ type: 'created', actor_key_name: null });
  });

  it('when the workflow writes the creation first, then it records the same key as the API would', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const { id: keyId, name } = await createKey(partner.token);
    const input = { ...deliveryInput(partner.user.id), actorApiKeyId: keyId };
    await stack().client.workflow.start(
      deliveryWorkflow,
      deliveryStartOptions(stack().config, input),
    );
    const event = await waitFor(
      async () =>
        (await stack().db('delivery_events').where({ delivery_id: input.deliveryId }).first()) ??
        undefined,
      'the workflow to write the created event',
    );
    expect(event).to.include({ type: 'created', actor_api_key_id: keyId });
    const detail = await api()
      .get(`/api/v1/deliveries/${input.deliveryId}`)
      .set(bearer(partner.token));
    expect(detail.body.timeline[0]).to.include({ actor_key_name: name });
  });

  it('when a key asks for /users/me, then it gets the same bytes as its partner signed in', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const { key } = await createKey(partner.token);
    const signedIn = await api().get('/api/v1/users/me').set(bearer(partner.token));
    const viaKey = await api().get('/api/v1/users/me').set(bearer(key));
    expect(viaKey.status).to.equal(200);
    expect(viaKey.text).to.equal(signedIn.text);
    expect(viaKey.body).to.include({ id: partner.user.id, role: 'partner' });
    expect(Object.keys(viaKey.body)).to.deep.equal([
      'id',
      'email',
      'role',
      'first_name',
      'last_name',
      'is_active',
      'created_at',
      'email_verified',
    ]);
  });

  it('when a key is used, then it acts with partner rights only and cannot manage keys', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const { key } = await createKey(partner.token);
    const assign = await api()
      .post(`/api/v1/deliveries/${randomUUID()}/assign`)
      .set(bearer(key))
      .send({ admin_id: randomUUID() });
    expect(assign.status).to.equal(403);
    expect(assign.headers['content-type']).to.match(/application\/problem\+json/);
    const users = await api().get('/api/v1/users').set(bearer(key));
    expect(users.status).to.equal(403);
    for (const call of [
      api().post('/api/v1/api-keys').set(bearer(key)).send({ name: 'minted by a key' }),
      api().get('/api/v1/api-keys').set(bearer(key)),
    ]) {
      const res = await call;
      expect(res.status).to.equal(403);
      expect(res.body.detail).to.match(/API key/);
    }
    expect(await stack().db('api_keys').where({ partner_id: partner.user.id })).to.have.length(1);
  });

  it('when a partner revokes a key, then the next request with it is a 401 problem; revoking again is a 204', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const { id, key } = await createKey(partner.token);
    expect((await api().get('/api/v1/deliveries').set(bearer(key))).status).to.equal(200);

    const revoked = await api().delete(`/api/v1/api-keys/${id}`).set(bearer(partner.token));
    expect(revoked.status).to.equal(204);
    const [row] = await stack().db('api_keys').where({ id });
    expect(row.revoked_at).to.be.instanceOf(Date);

    const refused = await createDeliveryWith(key);
    expect(refused.status).to.equal(401);
    expect(refused.headers['content-type']).to.match(/application\/problem\+json/);
    expect(refused.headers['www-authenticate']).to.equal('Bearer');
    expect(refused.body).to.include({ status: 401, detail: 'The API key was revoked.' });
    expect(await stack().db('deliveries').where({ partner_id: partner.user.id })).to.deep.equal([]);

    const again = await api().delete(`/api/v1/api-keys/${id}`).set(bearer(partner.token));
    expect(again.status).to.equal(204);
    const [still] = await stack().db('api_keys').where({ id });
    expect(still.revoked_at.getTime()).to.equal(row.revoked_at.getTime());
    const listed = await api().get('/api/v1/api-keys').set(bearer(partner.token));
    expect(listed.body.data[0].revoked_at).to.equal(row.revoked_at.toISOString());
  });

  it('when a key has expired, then it is a 401 problem; an expiry in the past is refused at creation', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const soon = new Date(Date.now() + 60_000).toISOString();
    const { id, key, expires_at } = (await createKey(partner.token, {
      expires_at: soon,
    })) as unknown as { id: string; key: string; expires_at: string };
    expect(expires_at).to.equal(soon);
    expect((await api().get('/api/v1/deliveries').set(bearer(key))).status).to.equal(200);

    await stack()
      .db('api_keys')
      .where({ id })
      .update({ expires_at: stack().db.raw(`now() - interval '1 second'`) });
    const refused = await api().get('/api/v1/deliveries').set(bearer(key));
    expect(refused.status).to.equal(401);
    expect(refused.body).to.include({ status: 401, detail: 'The API key has expired.' });

    const past = await api()
      .post('/api/v1/api-keys')
      .set(bearer(partner.token))
      .send({ name: 'too late', expires_at: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).to.equal(400);
    expect(past.body.errors).to.deep.equal([
      { field: 'expires_at', message: 'must be in the future' },
    ]);
  });

  it('when the partner is deactivated, then the key stops at once (and works again on reactivation)', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const { key } = await createKey(partner.token);
    expect((await api().get('/api/v1/deliveries').set(bearer(key))).status).to.equal(200);

    const off = await api()
      .patch(`/api/v1/users/${partner.user.id}`)
      .set(bearer(boss.token))
      .send({ is_active: false });
    expect(off.status).to.equal(200);
    const refused = await createDeliveryWith(key);
    expect(refused.status).to.equal(401);
    expect(refused.body).to.include({ status: 401, detail: 'The account is not active.' });
    expect(await stack().db('deliveries').where({ partner_id: partner.user.id })).to.deep.equal([]);

    await stack().db('users').where({ id: partner.user.id }).update({ is_active: true });
    expect((await api().get('/api/v1/deliveries').set(bearer(key))).status).to.equal(200);
  });

  it('when the owner is no longer a partner, then the key is a 401: a key never grants another role', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const { key } = await createKey(partner.token);
    await stack().db('users').where({ id: partner.user.id }).update({ role: 'super_admin' });
    const res = await api().get('/api/v1/users').set(bearer(key));
    expect(res.status).to.equal(401);
  });

  it('when a super admin lists and revokes, then any partner key is reachable; a partner sees and revokes only their own', async () => {
    const alice = await createUserWithToken({ role: 'partner' });
    const bob = await createUserWithToken({ role: 'partner' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const aliceKey = await createKey(alice.token);
    const bobKey = await createKey(bob.token);

    const forAlice = await api()
      .get(`/api/v1/api-keys?partner_id=${alice.user.id}`)
      .set(bearer(boss.token));
    expect(forAlice.status).to.equal(200);
    expect(forAlice.body.data.map((k: { id: string }) => k.id)).to.deep.equal([aliceKey.id]);
    const all = await api().get('/api/v1/api-keys?limit=100').set(bearer(boss.token));
    const ids = all.body.data.map((k: { id: string }) => k.id);
    expect(ids).to.include.members([aliceKey.id, bobKey.id]);

    const ownOnly = await api().get('/api/v1/api-keys').set(bearer(alice.token));
    expect(ownOnly.body.data.map((k: { id: string }) => k.id)).to.deep.equal([aliceKey.id]);
    const snooping = await api()
      .get(`/api/v1/api-keys?partner_id=${bob.user.id}`)
      .set(bearer(alice.token));
    expect(snooping.body.data).to.deep.equal([]);
    const foreign = await api().delete(`/api/v1/api-keys/${bobKey.id}`).set(bearer(alice.token));
    expect(foreign.status).to.equal(404);
    expect((await api().get('/api/v1/deliveries').set(bearer(bobKey.key))).status).to.equal(200);

    const byBoss = await api().delete(`/api/v1/api-keys/${bobKey.id}`).set(bearer(boss.token));
    expect(byBoss.status).to.equal(204);
    expect((await api().get('/api/v1/deliveries').set(bearer(bobKey.key))).status).to.equal(401);
  });

  it('when the OpenAPI document is read, then it documents the key scheme on partner routes but not on key management', async () => {
    const doc = (await api().get('/api/v1/openapi.json')).body;
    expect(doc.components.securitySchemes.apiKey).to.include({ type: 'http', scheme: 'bearer' });
    expect(doc.components.securitySchemes.apiKey.description).to.include('dak_live_');
    expect(doc.paths['/api/v1/deliveries'].post.security).to.deep.include({ apiKey: [] });
    expect(doc.paths['/api/v1/users'].get.security).to.not.deep.include({ apiKey: [] });
    expect(doc.paths['/api/v1/api-keys'].post.security).to.deep.equal([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/api-keys/{id}'].delete['x-roles']).to.deep.equal([
      'partner',
      'super_admin',
    ]);
  });

  it('when unknown keys keep coming from one address, then they get 401 and then 429 with Retry-After', async () => {
    const address = randomAddress();
    const limit = stack().config.LOGIN_MAX_FAILURES_PER_ADDRESS;
    const guess = () =>
      api()
        .get('/api/v1/deliveries')
        .set('X-Forwarded-For', address)
        .set(bearer(`dak_live_${randomUUID().replace(/-/g, '')}`));
    for (let i = 0; i < limit; i++) expect((await guess()).status).to.equal(401);
    const blocked = await guess();
    expect(blocked.status).to.equal(429);
    expect(blocked.headers['content-type']).to.match(/application\/problem\+json/);
    expect(Number(blocked.headers['retry-after'])).to.be.greaterThan(0);

    // Another address is not held back by this one.
    const other = await api()
      .get('/api/v1/deliveries')
      .set('X-Forwarded-For', randomAddress())
      .set(bearer('dak_live_unknown'));
    expect(other.status).to.equal(401);
  });
});
