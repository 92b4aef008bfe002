import type { Queryable } from '../db/knex';
import { unprocessable } from '../domain/errors';
import { upsertWebhookEndpoint } from '../db/repositories/webhooks';
import { generateWebhookSecret } from './webhook-signature';
import { resolveWebhookTarget, WebhookTargetError } from './webhook-target';

/**
 * Registers (or replaces, with a fresh secret) the partner's endpoint after checking that the URL
 * is one the platform may call. The secret is returned once; the partner stores it.
 */
export async function registerWebhookEndpoint(
  db: Queryable,
  partnerId: string,
  url: string,
  allowPrivateTargets: boolean,
): Promise<{ url: string; secret: string }> {
  try {
    await resolveWebhookTarget(url, allowPrivateTargets);
  } catch (error) {
    if (error instanceof WebhookTargetError) {
      throw unprocessable(error.message, { field: 'url', message: error.refusal });
    }
    throw error;
  }
  const secret = generateWebhookSecret();
  await upsertWebhookEndpoint(db, { partner_id: partnerId, url, secret });
  return { url, secret };
}
