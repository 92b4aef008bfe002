import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import type { WebhookJob } from '../../src/notifications/webhook-message';
import { attemptWebhook } from '../../src/notifications/webhook-delivery';
import { baseUrl } from '../support/base-url';
import { notice, recordDeliveryNotifications, webhookIn } from '../support/notifications';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { partnerWithEndpoint, WEBHOOK_TEST_SETTINGS } from '../support/webhooks';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver';

const api = () => request(stack().app.callback());
const SETTINGS = WEBHOOK_TEST_SETTINGS;

/**
 * What a partner would write from docs/api.md, deliberately not importing the signer: Standard
 * Webhooks' scheme with a five-minute tolerance against replays.
 */
function verifyLikeAPartner(
  secret: string,
  received: ReceivedWebhook,
  nowSeconds: number,
): boolean {
  const id = String(received.headers['webhook-id']);
  const timestamp = String(received.headers['webhook-timestamp']);
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${received.body}`).digest();
  return String(received.headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, signature] = entry.split(',');
      const given = Buffer.from(signature ?? '', 'base64');
      return (
        version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)
      );
    });
}

describe('partner webhooks', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(() => receiver.stop());

  it('when a partner registers an endpoint, then it gets a secret once; PUT again rotates it', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const first = await api()
      .put('/api/v1/webhooks/endpoint')
      .set(bearer(partner.token))
      .send({ url: receiver.url });
    expect(first.status).to.equal(200);
    expect(first.body.url).to.equal(receiver.url);
    expect(first.body.secret).to.match(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const second = await api()
      .put('/api/v1/webhooks/endpoint')
      .set(bearer(partner.token))
      .send({ url: `${receiver.url}/v2` });
    expect(second.body.secret).to.not.equal(first.body.secret);
    const rows = await stack().db('webhook_endpoints').where({ partner_id: partner.user.id });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ url: `${receiver.url}/v2`, secret: second.body.secret });
  });

  it('when a partner deletes the endpoint, then 204 and no webhook is planned any more', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const change = notice({ partnerId: partner.user.id });
    expect(webhookIn(await recordDeliveryNotifications(change))).to.not.equal(null);

    const res = await api().delete('/api/v1/webhooks/endpoint').set(bearer(partner.token));
    expect(res.status).to.equal(204);
    expect(
      await stack().db('webhook_endpoints').where({ partner_id: partner.user.id }),
    ).to.have.length(0);
    expect(webhookIn(await recordDeliveryNotifications(change))).to.equal(null);
  });

  it('when an admin tries to register an endpoint, then 403', async () => {
    const admin = await createUserWithToken({ role: 'admin' });
    const res = await api()
      .put('/api/v1/webhooks/endpoint')
      .set(bearer(admin.token))
      .send({ url: receiver.url });
    expect(res.status).to.equal(403);
  });

  describe('with private targets forbidden (the production default)', () => {
    const guarded = () =>
      request(
        createApp({
          ...stack().deps,
          config: { ...stack().config, WEBHOOK_ALLOW_PRIVATE_TARGETS: false },
        }).callback(),
      );

    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://10.0.0.7/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:8080/hook',
      'http://localhost:8080/hook',
      'ftp://example.com/hook',
    ]) {
      it(`when the URL is ${url}, then 422 and nothing is stored`, async () => {
        const partner = await createUserWithToken({ role: 'partner' });
        const res = await guarded()
          .put('/api/v1/webhooks/endpoint')
          .set(bearer(partner.token))
          .send({ url });
        expect(res.status).to.equal(422);
        expect(res.body.type).to.match(/\/problems\/unprocessable$/);
        expect(res.body.errors).to.have.length(1);
        expect(res.body.errors[0].field).to.equal('url');
        expect(res.body.errors[0].message).to.match(/^must /);
        expect(
          await stack().db('webhook_endpoints').where({ partner_id: partner.user.id }),
        ).to.have.length(0);
      });
    }

    it('when a stored endpoint turns out private at delivery time, then the attempt is refused, recorded and final', async () => {
      const partner = await partnerWithEndpoint(receiver);
      const webhook = webhookIn(
        await recordDeliveryNotifications(notice({ partnerId: partner.user.id })),
      );
      const outcome = await attemptWebhook(stack().db, webhook!, 1, {
        ...SETTINGS,
        allowPrivateTargets: false,
      });
      expect(outcome).to.deep.include({ kind: 'failed', retryable: false });
      expect(receiver.received).to.have.length(0);
      const [attempt] = await stack().db('webhook_attempts').where({ partner_id: partner.user.id });
      expect(attempt).to.include({ status_code: null, attempt: 1 });
      expect(attempt.error).to.match(/non-public address/);
    });
  });

  it('when an event is delivered, then its signature verifies with an independent snippet and the attempt is listed', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const change = notice({ partnerId: partner.user.id, toStatus: 'COMPLETED' });
    const webhook = webhookIn(await recordDeliveryNotifications(change));

    expect(await attemptWebhook(stack().db, webhook!, 1, SETTINGS)).to.deep.equal({
      kind: 'delivered',
      status: 200,
    });
    const [received] = receiver.received;
    const now = Math.floor(Date.now() / 1000);
    expect(verifyLikeAPartner(partner.secret, received!, now)).to.equal(true);
    expect(verifyLikeAPartner(partner.secret, received!, now + 3600), 'replayed later').to.equal(
      false,
    );
    const tampered = { ...received!, body: received!.body.replace('COMPLETED', 'FAILED') };
    expect(verifyLikeAPartner(partner.secret, tampered, now), 'tampered').to.equal(false);

    const body = JSON.parse(received!.body);
    expect(body).to.have.keys(['id', 'type', 'created_at', 'data']);
    expect(body).to.include({
      id: received!.headers['webhook-id'],
      type: 'delivery.status_changed',
    });
    expect(body.id).to.match(/^evt_[0-9a-f]{32}$/);
    expect(body.data).to.include({ delivery_id: change.deliveryId, status: 'COMPLETED' });
    expect(received!.headers['content-type']).to.equal('application/json');

    const list = await api().get('/api/v1/webhooks/attempts').set(bearer(partner.token));
    expect(list.status).to.equal(200);
    expect(list.body.data).to.have.length(1);
    expect(list.body.data[0]).to.include({
      event_id: body.id,
      event_type: 'delivery.status_changed',
      url: receiver.url,
      status_code: 200,
      error: null,
      attempt: 1,
    });
  });

  it('when a change carries a failure code or a proof, then the payload carries them with the tracking link and the images as the API links them', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const { PUBLIC_URL } = stack().config;
    const window = { start: '2030-01-01T14:00:00.000Z', end: '2030-01-01T16:00:00.000Z' };
    const failed = notice({
      partnerId: partner.user.id,
      fromStatus: 'IN_TRANSIT',
      toStatus: 'FAILED',
      failureReason: 'address_not_found',
      reason: 'No such street',
      recipientEmail: 'ada@example.test',
      dropoffWindow: window,
    });
    expect(webhookIn(await recordDeliveryNotifications(failed))!.event.data).to.deep.equal({
      delivery_id: failed.deliveryId,
      status: 'FAILED',
      previous_status: 'IN_TRANSIT',
      assigned_to: null,
      reason: 'No such street',
      changed_at: failed.at,
      tracking_url: `${PUBLIC_URL}/track/${failed.trackingToken}`,
      dropoff_window: window,
      recipient_email: 'ada@example.test',
      failure_reason: 'address_not_found',
      proof: null,
    });

    const photo = {
      id: randomUUID(),
      content_type: 'image/webp',
      bytes: 2048,
      sha256: 'cd'.repeat(32),
      created_at: '2030-01-01T15:00:00.000Z',
    };
    const completed = notice({
      partnerId: partner.user.id,
      fromStatus: 'IN_TRANSIT',
      toStatus: 'COMPLETED',
      proof: { received_by: 'Ada', note: null, attachments: [photo] },
    });
    const webhook = webhookIn(await recordDeliveryNotifications(completed))!;
    expect(webhook.event.type).to.equal('delivery.status_changed');
    expect(webhook.event.data.proof).to.deep.equal({
      received_by: 'Ada',
      note: null,
      attachments: [
        {
          ...photo,
          url: `${PUBLIC_URL}/api/v1/deliveries/${completed.deliveryId}/attachments/${photo.id}`,
        },
      ],
    });
    expect(await attemptWebhook(stack().db, webhook, 1, SETTINGS)).to.deep.include({
      kind: 'delivered',
    });
    expect(JSON.parse(receiver.received[0]!.body).data).to.deep.equal(webhook.event.data);
  });

  it('when the same change is recorded again, then the event keeps its id so partners can dedupe', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const change = notice({ partnerId: partner.user.id });
    const first = await recordDeliveryNotifications(change);
    const again = await recordDeliveryNotifications(change);
    expect(webhookIn(again)!.event).to.deep.equal(webhookIn(first)!.event);
  });

  for (const [status, retryable] of [
    [500, true],
    [503, true],
    [429, true],
    [408, true],
    [400, false],
    [404, false],
    [410, false],
  ] as const) {
    it(`when the endpoint answers ${status}, then the attempt is recorded and ${retryable ? 'retryable' : 'final'}`, async () => {
      const partner = await partnerWithEndpoint(receiver);
      receiver.script = [status];
      const webhook = webhookIn(
        await recordDeliveryNotifications(notice({ partnerId: partner.user.id })),
      );
      const outcome = await attemptWebhook(stack().db, webhook as WebhookJob, 3, SETTINGS);
      expect(outcome).to.deep.equal({ kind: 'failed', retryable, reason: `HTTP ${status}` });
      const [attempt] = await stack().db('webhook_attempts').where({ partner_id: partner.user.id });
      expect(attempt).to.include({ status_code: status, attempt: 3, error: `HTTP ${status}` });
    });
  }

  it('when the endpoint does not answer in time, then the attempt is a retryable timeout', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const silent = http.createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    await stack()
      .db('webhook_endpoints')
      .where({ partner_id: partner.user.id })
      .update({ url: `${baseUrl(silent)}/slow` });
    const webhook = webhookIn(
      await recordDeliveryNotifications(notice({ partnerId: partner.user.id })),
    );
    const outcome = await attemptWebhook(stack().db, webhook!, 1, { ...SETTINGS, timeoutMs: 200 });
    silent.closeAllConnections();
    silent.close();
    expect(outcome).to.deep.equal({ kind: 'failed', retryable: true, reason: 'timed out' });
  });
});
