import type { WebhookEndpoint } from '../db/repositories/webhooks';
import type { EmailMessage } from './email-message';
import { escapeHtml } from './html';

/**
 * Tells the partner its endpoint was disabled and how to turn it back on. Keyed by the instant
 * it was disabled: however often the activity asks, one email per disablement.
 */
export function webhookDisabledEmail(opts: {
  endpoint: WebhookEndpoint & { disabled_at: Date };
  to: string;
  firstName: string;
  publicUrl: string;
}): EmailMessage {
  const { endpoint } = opts;
  const greeting = opts.firstName ? `Hello ${opts.firstName},` : 'Hello,';
  const consoleUrl = `${opts.publicUrl}/console`;
  const lines = [
    `Every attempt to deliver events to your webhook endpoint ${endpoint.url} has failed for 24 hours, so we disabled it.`,
    'Events are still recorded in your webhook log, but no longer sent.',
    `Once the endpoint answers again, re-enable it in the console (${consoleUrl}) or with POST /api/v1/webhooks/endpoint/enable, then replay the events you missed from the log.`,
  ];
  return {
    key: `webhook-endpoint-disabled:${endpoint.partner_id}:${new Date(endpoint.disabled_at).toISOString()}`,
    to: opts.to,
    subject: 'Your webhook endpoint was disabled',
    textBody: [greeting, '', ...lines].join('\n\n'),
    htmlBody: [greeting, ...lines].map((line) => `<p>${escapeHtml(line)}</p>`).join('\n'),
    tag: 'webhook.endpoint_disabled',
  };
}
