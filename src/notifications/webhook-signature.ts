import { createHmac, randomBytes } from 'node:crypto';
import { WEBHOOK_CATALOGUE_VERSION } from '../schemas/webhook-events';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_` + base64 key
 * bytes; the signature is base64 HMAC-SHA256 over `<id>.<timestamp>.<body>`, sent as `v1,<sig>`.
 * Receivers reject stale timestamps, which makes a captured request useless later.
 */
const SECRET_PREFIX = 'whsec_';

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export function webhookHeaders(
  secret: string,
  id: string,
  body: string,
  now: Date,
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'Content-Type': 'application/json',
    'User-Agent': `delivery-aggregator-webhooks/${WEBHOOK_CATALOGUE_VERSION}`,
    'Webhook-Id': id,
    'Webhook-Timestamp': String(timestamp),
    'Webhook-Signature': signWebhook(secret, id, timestamp, body),
  };
}
