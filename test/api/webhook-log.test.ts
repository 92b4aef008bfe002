import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { expect } from 'chai';
import request from 'supertest';
import { createActivities } from '../../src/activities';
import { WEBHOOK_EVENT_TYPES } from '../../src/domain/notification-rules';
import { findEmailByKey } from '../../src/db/repositories/email-messages';
import {
  attemptWebhook,
  DISABLE_AFTER_FAILING_MS,
  ENDPOINT_DISABLED,
} from '../../src/notifications/webhook-delivery';
import type { WebhookJob } from '../../src/notifications/webhook-message';
import { createdDeliveryId } from '../support/deliveries';
import { expectDocumented, expectValidBy, isValidBy } from '../support/openapi-contract';
import { notice, recordDeliveryNotifications, webhookIn } from '../support/notifications';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';
import { partnerWithEndpoint, WEBHOOK_TEST_SETTINGS } from '../support/webhooks';
import { WebhookReceiver } from '../support/webhook-receiver';

const api = () => request(stack().app.callback());
const SETTINGS = WEBHOOK_TEST_SETTINGS;
type Who = Awaited<ReturnType<typeof createUserWithToken>>;

async function eventFor(partner: Who): Promise<WebhookJob> {
  return webhookIn(await recordDeliveryNotifications(notice({ partnerId: partner.user.id })))!;
}

const log = (who: Who, query: Record<string, string> = {}) =>
  api().get('/api/v1/webhooks/attempts').query(query).set(bearer(who.token));

const replay = (who: Who, id: string) =>
  api().post(`/api/v1/webhooks/attempts/${id}/replay`).set(bearer(who.token));

/** The activity as Temporal runs it, at `attempt`, with the outbound retry policy. */
function runActivity(job: WebhookJob, attempt = 1) {
  const env = new MockActivityEnvironment({
    attempt,
    retryPolicy: { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 600_000 },
    scheduledTimestampMs: Date.now(),
    scheduleToCloseTimeoutMs: 86_400_000,
  });
  return env.run(createActivities(stack().activityDeps).deliverWebhook, job);
}

describe('the webhook log', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(() => receiver.stop());

  it('when an attempt is made, then the log shows the event as sent, the answer’s first bytes and the time it took', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const job = await eventFor(partner);
    receiver.script = [{ status: 200, body: 'thanks, got it' }];
    expect(await attemptWebhook(stack().db, job, 1, SETTINGS)).to.deep.equal({
      kind: 'delivered',
      status: 200,
    });
    const res = await log(partner);
    expect(res.status).to.equal(200);
    expect(res.body.data).to.have.length(1);
    const [entry] = res.body.data;
    expect(entry).to.deep.include({
      partner_id: partner.user.id,
      event_id: job.event.id,
      event_type: job.event.type,
      status_code: 200,
      error: null,
      response_excerpt: 'thanks, got it',
      attempt: 1,
      next_retry_at: null,
      replay_of: null,
      payload: job.event,
    });
    expect(entry.duration_ms).to.be.a('number').and.at.least(0);
    expect(JSON.parse(receiver.received[0]!.body)).to.deep.equal(entry.payload);
  });

  it('when the endpoint fails, then the attempt says when Temporal tries again and keeps only 1,024 bytes of the answer', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const job = await eventFor(partner);
    receiver.script = [{ status: 503, body: 'x'.repeat(5000) }];
    const before = Date.now();
    let failure: unknown;
    await runActivity(job, 3).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.contain('HTTP 503');
    const [entry] = (await log(partner)).body.data;
    expect(entry).to.include({ status_code: 503, error: 'HTTP 503', attempt: 3 });
    expect(entry.response_excerpt).to.equal('x'.repeat(1024));
    // After the third attempt: the initial second doubled twice.
    const next = Date.parse(entry.next_retry_at);
    expect(next - before).to.be.within(4000, 4000 + (Date.now() - before));
  });

  it('when a delivery’s webhook fails once on the real worker, then the log shows the failure with its next retry and then the success', async () => {
    const partner = await partnerWithEndpoint(receiver);
    receiver.script = [500];
    const id = await createdDeliveryId(partner);
    const entries = await waitFor(async () => {
      const data = (await log(partner, { event_type: 'delivery.created' })).body.data as {
        attempt: number;
        status_code: number;
        next_retry_at: string | null;
        created_at: string;
        payload: { data: { delivery_id: string } };
      }[];
      return data.length === 2 ? data : undefined;
    }, 'two attempts of delivery.created');
    const [second, first] = entries as [(typeof entries)[0], (typeof entries)[0]];
    expect(first).to.include({ attempt: 1, status_code: 500 });
    expect(second).to.include({ attempt: 2, status_code: 200, next_retry_at: null });
    expect(first.payload.data.delivery_id).to.equal(id);
    // The outbound policy's first retry comes a second after the failure.
    const wait = Date.parse(first.next_retry_at!) - Date.parse(first.created_at);
    expect(wait).to.be.within(0, 2000);
  });

  it('when a partner replays an attempt, then the same event (same id) is sent again and logged as a replay', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const job = await eventFor(partner);
    receiver.script = [503];
    await attemptWebhook(stack().db, job, 1, SETTINGS);
    const [original] = (await log(partner)).body.data;

    const res = await replay(partner, original.id);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({
      event_id: job.event.id,
      status_code: 200,
      error: null,
      replay_of: original.id,
      next_retry_at: null,
    });
    expect(receiver.received).to.have.length(2);
    const [first, again] = receiver.received as [
      (typeof receiver.received)[0],
      (typeof receiver.received)[0],
    ];
    expect(again.headers['webhook-id']).to.equal(first.headers['webhook-id']);
    expect(again.body).to.equal(first.body);

    const listed = (await log(partner, { event_id: job.event.id })).body.data;
    expect(listed.map((a: { id: string }) => a.id)).to.deep.equal([res.body.id, original.id]);
  });

  it('when someone else replays or lists a partner’s attempts, then only a super admin sees them', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const job = await eventFor(partner);
    await attemptWebhook(stack().db, job, 1, SETTINGS);
    const [original] = (await log(partner)).body.data;
    const [other, boss] = await Promise.all([
      createUserWithToken({ role: 'partner' }),
      createUserWithToken({ role: 'super_admin' }),
    ]);

    const refused = await replay(other, original.id);
    expect(refused.status).to.equal(404);
    expect(refused.headers['content-type']).to.match(/^application\/problem\+json/);
    expect((await replay(other, randomUUID())).status).to.equal(404);
    expect((await log(other)).body.data).to.deep.equal([]);
    expect((await log(other, { partner_id: partner.user.id })).body.data).to.deep.equal([]);

    const all = (await log(boss, { event_id: job.event.id })).body.data;
    expect(all.map((a: { id: string }) => a.id)).to.deep.equal([original.id]);
    const own = (await log(boss, { partner_id: partner.user.id })).body.data;
    expect(own.map((a: { id: string }) => a.id)).to.deep.equal([original.id]);
    const byBoss = await replay(boss, original.id);
    expect(byBoss.status).to.equal(200);
    expect(byBoss.body).to.include({ partner_id: partner.user.id, replay_of: original.id });
  });

  it('when the attempt cannot be replayed, then 409 says why', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const job = await eventFor(partner);
    await attemptWebhook(stack().db, job, 1, SETTINGS);
    const [original] = (await log(partner)).body.data;
    const [old] = await stack()
      .db('webhook_attempts')
      .insert({
        partner_id: partner.user.id,
        event_id: job.event.id,
        event_type: job.event.type,
        url: receiver.url,
        status_code: 500,
        error: 'HTTP 500',
        attempt: 1,
      })
      .returning('id');
    const beforeBodies = await replay(partner, old.id);
    expect(beforeBodies.status).to.equal(409);
    expect(beforeBodies.body.detail).to.match(/before event bodies were kept/);

    await stack()
      .db('webhook_endpoints')
      .where({ partner_id: partner.user.id })
      .update({ disabled_at: new Date() });
    const disabled = await replay(partner, original.id);
    expect(disabled.status).to.equal(409);
    expect(disabled.body.detail).to.match(/disabled/);

    await api().delete('/api/v1/webhooks/endpoint').set(bearer(partner.token));
    const gone = await replay(partner, original.id);
    expect(gone.status).to.equal(409);
    expect(gone.body.detail).to.match(/No webhook endpoint/);
    expect(receiver.received).to.have.length(1);
  });

  it('when an endpoint has failed for 24 hours, then it is disabled with one email, logs events unsent, and the partner re-enables it and replays', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const endpoint = () => api().get('/api/v1/webhooks/endpoint').set(bearer(partner.token));
    expect((await endpoint()).body).to.include({ failing_since: null, disabled_at: null });

    receiver.script = [500];
    await runActivity(await eventFor(partner)).catch(() => undefined);
    const failing = (await endpoint()).body;
    expect(failing.failing_since).to.be.a('string');
    expect(failing.disabled_at).to.equal(null);

    // The run of failures began a day ago.
    await stack()
      .db('webhook_endpoints')
      .where({ partner_id: partner.user.id })
      .update({ failing_since: new Date(Date.now() - DISABLE_AFTER_FAILING_MS - 60_000) });
    receiver.script = [500];
    await runActivity(await eventFor(partner), 2).catch(() => undefined);
    const disabled = (await endpoint()).body;
    expect(disabled.disabled_at).to.be.a('string');
    const key = `webhook-endpoint-disabled:${partner.user.id}:${disabled.disabled_at}`;
    const email = await findEmailByKey(stack().db, key);
    expect(email).to.include({ to_address: partner.user.email });
    expect(email!.text_body).to.contain(receiver.url);
    expect(email!.text_body).to.contain('/webhooks/endpoint/enable');

    // Disabled: the next event is logged but not sent, and no second email goes out.
    const missed = await eventFor(partner);
    const received = receiver.received.length;
    expect(await runActivity(missed)).to.deep.equal({ kind: 'endpoint-disabled' });
    expect(receiver.received).to.have.length(received);
    const [logged] = (await log(partner, { event_id: missed.event.id })).body.data;
    expect(logged).to.include({ error: ENDPOINT_DISABLED, status_code: null, duration_ms: null });
    const emails = await stack()
      .db('email_messages')
      .where('key', 'like', `webhook-endpoint-disabled:${partner.user.id}:%`);
    expect(emails).to.have.length(1);

    const enabled = await api().post('/api/v1/webhooks/endpoint/enable').set(bearer(partner.token));
    expect(enabled.status).to.equal(200);
    expect(enabled.body).to.include({ disabled_at: null, failing_since: null, url: receiver.url });
    const replayed = await replay(partner, logged.id);
    expect(replayed.status).to.equal(200);
    expect(replayed.body).to.include({ status_code: 200, event_id: missed.event.id });
    expect(JSON.parse(receiver.received.at(-1)!.body).id).to.equal(missed.event.id);
  });

  it('when the OpenAPI document is read, then its webhooks section has one schema per event type that the body sent meets, and the log’s answers match the document', async () => {
    const doc = (await api().get('/api/v1/openapi.json')).body;
    expect(Object.keys(doc.webhooks)).to.deep.equal([...WEBHOOK_EVENT_TYPES]);
    const partner = await partnerWithEndpoint(receiver);
    const job = await eventFor(partner);
    await attemptWebhook(stack().db, job, 1, SETTINGS);
    const sent = JSON.parse(receiver.received[0]!.body);
    const schema = doc.webhooks[job.event.type].post.requestBody.content['application/json'].schema;
    expect(schema.properties.type.const).to.equal(job.event.type);
    expectValidBy(schema, sent);
    expect(isValidBy(schema, { ...sent, type: 'delivery.assigned' })).to.equal(false);
    expect(isValidBy(schema, { ...sent, data: { ...sent.data, extra: 1 } })).to.equal(false);

    // The log's and the replay's answers are as the document describes them.
    const listed = await log(partner);
    expectDocumented(doc, '/api/v1/webhooks/attempts', 'get', listed);
    const replayed = await replay(partner, listed.body.data[0].id);
    expectDocumented(doc, '/api/v1/webhooks/attempts/{id}/replay', 'post', replayed);
    const endpoint = await api().get('/api/v1/webhooks/endpoint').set(bearer(partner.token));
    expectDocumented(doc, '/api/v1/webhooks/endpoint', 'get', endpoint);
    expect(receiver.received[0]!.headers['user-agent']).to.equal('delivery-aggregator-webhooks/1');
  });

  it('when a partner has no endpoint, then reading or enabling it is a 404 problem', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    for (const res of [
      await api().get('/api/v1/webhooks/endpoint').set(bearer(partner.token)),
      await api().post('/api/v1/webhooks/endpoint/enable').set(bearer(partner.token)),
    ]) {
      expect(res.status).to.equal(404);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    }
  });
});
