import { WEBHOOK_EVENT_TYPES } from '../domain/notification-rules';
import {
  WEBHOOK_CATALOGUE_VERSION,
  WEBHOOK_EVENT_DESCRIPTIONS,
  webhookEventSchema,
} from '../schemas/webhook-events';
import type { Json } from './openapi-text';

const SIGNATURE_HEADERS: Json[] = [
  {
    name: 'Webhook-Id',
    in: 'header',
    required: true,
    description: 'The event id (the body’s `id`): the same in retries and replays',
    schema: { type: 'string' },
  },
  {
    name: 'Webhook-Timestamp',
    in: 'header',
    required: true,
    description: 'Unix seconds when this attempt was signed; reject one far from your clock',
    schema: { type: 'string' },
  },
  {
    name: 'Webhook-Signature',
    in: 'header',
    required: true,
    description:
      '`v1,` + base64 HMAC-SHA256 over `<Webhook-Id>.<Webhook-Timestamp>.<body>` with your secret’s bytes (Standard Webhooks)',
    schema: { type: 'string' },
  },
  {
    name: 'User-Agent',
    in: 'header',
    required: true,
    description: `\`delivery-aggregator-webhooks/${WEBHOOK_CATALOGUE_VERSION}\`: the catalogue version the body follows`,
    schema: { type: 'string' },
  },
];

/**
 * The OpenAPI 3.1 `webhooks` section: one entry per event type, the body your endpoint receives
 * as its schema, from the same schemas the log answers with.
 */
export function webhookCatalogue(plain: (schema: object) => Json): Json {
  const catalogue: Json = {};
  for (const type of WEBHOOK_EVENT_TYPES) {
    catalogue[type] = {
      post: {
        operationId: `webhook${type.replace(/(^|[._])(\w)/g, (_, __, c: string) => c.toUpperCase())}`,
        summary: `${type} (catalogue v${WEBHOOK_CATALOGUE_VERSION})`,
        description: `${WEBHOOK_EVENT_DESCRIPTIONS[type]} Sent to your endpoint (PUT /webhooks/endpoint), retried with backoff for up to 24 hours until it answers 2xx; a 4xx other than 408 and 429 ends the retries. Every attempt is in GET /webhooks/attempts.`,
        tags: ['webhooks'],
        parameters: SIGNATURE_HEADERS,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: plain(webhookEventSchema(type)) } },
        },
        responses: {
          '2XX': { description: 'Received: no retry' },
          default: {
            description:
              'Not received: retried (408, 429, 5xx, no answer within 10 s) or not (other 4xx)',
          },
        },
      },
    };
  }
  return catalogue;
}
