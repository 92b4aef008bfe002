import { expect } from 'chai';
import request from 'supertest';
import { DISABLE_AFTER_FAILING_MS } from '../../src/notifications/webhook-delivery';
import { stack } from './stack';
import { bearer, createUserWithToken } from './users';
import type { WebhookReceiver } from './webhook-receiver';

/** Webhook settings for calling a local receiver: private targets allowed, a short timeout. */
export const WEBHOOK_TEST_SETTINGS = {
  allowPrivateTargets: true,
  timeoutMs: 2000,
  disableAfterMs: DISABLE_AFTER_FAILING_MS,
  publicUrl: 'http://localhost:3000',
};

/** A fresh partner whose endpoint is the receiver, with the secret registration returned. */
export async function partnerWithEndpoint(receiver: WebhookReceiver) {
  const partner = await createUserWithToken({ role: 'partner' });
  const res = await request(stack().app.callback())
    .put('/api/v1/webhooks/endpoint')
    .set(bearer(partner.token))
    .send({ url: receiver.url });
  expect(res.status).to.equal(200);
  return { ...partner, secret: res.body.secret as string };
}
