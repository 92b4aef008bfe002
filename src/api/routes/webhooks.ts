import { deleteWebhookEndpoint, listWebhookAttempts } from '../../db/repositories/webhooks';
import { WEBHOOK_EVENT_TYPES } from '../../domain/notification-rules';
import { registerWebhookEndpoint } from '../../notifications/webhook-endpoints';
import { Problem } from '../../schemas/common';
import {
  WebhookAttemptPage,
  WebhookAttemptQuery,
  WebhookEndpoint,
  WebhookEndpointRequest,
} from '../../schemas/webhooks';
import type { AppDeps } from '../deps';
import { defineRoute } from '../route';

export function webhookRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'put',
      path: '/webhooks/endpoint',
      summary: 'Register or replace your webhook endpoint; returns a new signing secret',
      tag: 'webhooks',
      access: { roles: ['partner'] },
      description: `Events (${WEBHOOK_EVENT_TYPES.map((type) => `\`${type}\``).join(', ')}) are POSTed to this http(s) URL, signed with the returned secret. The host must resolve to a public address (422 otherwise).`,
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
      method: 'delete',
      path: '/webhooks/endpoint',
      summary: 'Remove your webhook endpoint (no more events are sent)',
      tag: 'webhooks',
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
      summary: 'Your recent webhook delivery attempts, newest first',
      tag: 'webhooks',
      access: { roles: ['partner'] },
      query: WebhookAttemptQuery,
      responses: { 200: { description: 'A page of attempts', schema: WebhookAttemptPage } },
      handle: async ({ query, user }) => {
        const page = await listWebhookAttempts(deps.db, user.id, {
          limit: query.limit ?? 20,
          ...query,
        });
        return { status: 200, body: { data: page.rows, next_cursor: page.next_cursor } };
      },
    }),
  ];
}
