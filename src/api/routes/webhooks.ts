import { deleteWebhookEndpoint } from '../../db/repositories/webhooks';
import { WEBHOOK_EVENT_TYPES } from '../../domain/notification-rules';
import { webhookSettingsFrom } from '../../notifications/webhook-delivery';
import { registerWebhookEndpoint } from '../../notifications/webhook-endpoints';
import {
  enableEndpoint,
  listVisibleAttempts,
  replayWebhookAttempt,
  webhookEndpointStatus,
} from '../../notifications/webhook-log';
import { IdParams, Problem } from '../../schemas/common';
import {
  WebhookAttempt,
  WebhookAttemptPage,
  WebhookAttemptQuery,
  WebhookEndpoint,
  WebhookEndpointRequest,
  WebhookEndpointStatus,
} from '../../schemas/webhooks';
import type { AppDeps } from '../deps';
import { problemResponse } from '../openapi-problems';
import { defineRoute } from '../route';

const NO_ENDPOINT = problemResponse('You have no webhook endpoint');

export function webhookRoutes(deps: AppDeps) {
  const settings = webhookSettingsFrom(deps.config);
  return [
    defineRoute({
      method: 'put',
      path: '/webhooks/endpoint',
      summary: 'Register or replace your webhook endpoint; returns a new signing secret',
      tag: 'webhooks',
      curl: `curl -X PUT "$API/webhooks/endpoint" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \\\n  -d '{"url": "https://shop.example.com/hooks/deliveries"}'`,
      access: { roles: ['partner'] },
      description: `Events (${WEBHOOK_EVENT_TYPES.map((type) => `\`${type}\``).join(', ')}; their bodies are in the document's \`webhooks\` catalogue) are POSTed to this http(s) URL, signed with the returned secret. The host must resolve to a public address (422 otherwise). Registering again also re-enables a disabled endpoint.`,
      body: WebhookEndpointRequest,
      example: () => ({ url: 'https://shop.example.com/hooks/deliveries' }),
      responses: {
        200: { description: 'Registered; the secret is shown only now', schema: WebhookEndpoint },
        422: { description: 'The URL is not one the platform may call', schema: Problem },
      },
      handle: async ({ body, user }) => {
        const allowPrivate = deps.config.WEBHOOK_ALLOW_PRIVATE_TARGETS;
        const endpoint = await registerWebhookEndpoint(deps.db, user.id, body.url, allowPrivate);
        return { status: 200, body: endpoint };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/webhooks/endpoint',
      summary: 'Your webhook endpoint: its URL, whether it is failing and whether it is disabled',
      tag: 'webhooks',
      curl: 'curl "$API/webhooks/endpoint" -H "Authorization: Bearer $KEY"',
      access: { roles: ['partner'] },
      responses: {
        200: { description: 'The endpoint (never its secret)', schema: WebhookEndpointStatus },
        404: NO_ENDPOINT,
      },
      handle: async ({ user }) => ({
        status: 200,
        body: await webhookEndpointStatus(deps.db, user.id),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/webhooks/endpoint/enable',
      summary: 'Re-enable your webhook endpoint after the platform disabled it',
      description:
        'An endpoint whose every attempt failed for 24 hours is disabled (you get an email): events are then logged but not sent. Enabling it sends the events that come from now on; replay the ones you missed from `GET /webhooks/attempts`.',
      tag: 'webhooks',
      curl: 'curl -X POST "$API/webhooks/endpoint/enable" -H "Authorization: Bearer $KEY"',
      access: { roles: ['partner'] },
      responses: {
        200: { description: 'Enabled', schema: WebhookEndpointStatus },
        404: NO_ENDPOINT,
      },
      handle: async ({ user }) => ({ status: 200, body: await enableEndpoint(deps.db, user.id) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/webhooks/endpoint',
      summary: 'Remove your webhook endpoint (no more events are sent)',
      tag: 'webhooks',
      curl: 'curl -X DELETE "$API/webhooks/endpoint" -H "Authorization: Bearer $KEY"',
      access: { roles: ['partner'] },
      responses: { 204: { description: 'Removed (or there was none)' } },
      handle: async ({ user }) => {
        await deleteWebhookEndpoint(deps.db, user.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/webhooks/attempts',
      summary:
        'The webhook log: every attempt, newest first (partner: own; super admin: every partner’s)',
      description:
        'Each attempt with the event as sent (`payload`), the endpoint’s status code and the first 1,024 bytes of its answer, how long it took and when the platform tries again (`next_retry_at`). Filter by `event_id` to follow one event through its retries and replays.',
      tag: 'webhooks',
      curl: 'curl "$API/webhooks/attempts?event_type=delivery.created&limit=20" -H "Authorization: Bearer $KEY"',
      access: { roles: ['partner', 'super_admin'] },
      query: WebhookAttemptQuery,
      responses: { 200: { description: 'A page of attempts', schema: WebhookAttemptPage } },
      handle: async ({ query, user }) => {
        const page = await listVisibleAttempts(deps.db, user, query);
        return { status: 200, body: { data: page.rows, next_cursor: page.next_cursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/webhooks/attempts/{id}/replay',
      summary: 'Send a logged event again (same event id), now',
      description:
        'Posts the attempt’s event to the partner’s current endpoint with the same `id` (and `Webhook-Id`), so a receiver that already has it dedupes it, signed afresh with the current secret. One attempt while you wait, logged with `replay_of`; it is not retried. The answer is the new attempt, whatever the endpoint said.',
      tag: 'webhooks',
      curl: 'curl -X POST "$API/webhooks/attempts/$ATTEMPT_ID/replay" -H "Authorization: Bearer $KEY"',
      access: { roles: ['partner', 'super_admin'] },
      params: IdParams,
      responses: {
        200: { description: 'The new attempt', schema: WebhookAttempt },
        404: problemResponse('No such attempt, or not yours'),
        409: problemResponse(
          'No endpoint is registered, it is disabled (re-enable it first), or the attempt predates the log keeping event bodies',
        ),
      },
      handle: async ({ user, params }) => ({
        status: 200,
        body: await replayWebhookAttempt(deps.db, settings, user, params.id),
      }),
    }),
  ];
}
