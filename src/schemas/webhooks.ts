import { Type } from '@sinclair/typebox';
import { WEBHOOK_EVENT_TYPES } from '../domain/notification-rules';
import { Page, PageQuery, StringEnum, Uuid } from './common';
import { WebhookEventBody } from './webhook-events';

const Url = Type.String({ format: 'uri', maxLength: 2048 });
const Instant = Type.String({ format: 'date-time' });
const NullableInstant = (description: string) =>
  Type.Union([Instant, Type.Null()], { description });

export const WebhookEndpointRequest = Type.Object({ url: Url }, { additionalProperties: false });

export const WebhookEndpoint = Type.Object(
  {
    url: Url,
    secret: Type.String({
      description: 'Signing secret (`whsec_…`); shown only in this response. PUT again to rotate.',
    }),
  },
  { additionalProperties: false },
);

export const WebhookEndpointStatus = Type.Object(
  {
    url: Url,
    failing_since: NullableInstant(
      'When the current run of failed attempts began; null while the endpoint answers 2xx',
    ),
    disabled_at: NullableInstant(
      'When the platform disabled the endpoint after 24 hours of failures (events are then logged, not sent); null while enabled',
    ),
    created_at: Instant,
    updated_at: Instant,
  },
  { additionalProperties: false },
);
export type WebhookEndpointStatus = import('@sinclair/typebox').Static<
  typeof WebhookEndpointStatus
>;

export const WebhookAttempt = Type.Object(
  {
    id: Uuid,
    partner_id: Uuid,
    event_id: Type.String({ description: 'The event id, the same in every retry and replay' }),
    event_type: Type.String(),
    url: Type.String({ description: 'Where the attempt was sent' }),
    status_code: Type.Union([Type.Integer(), Type.Null()], {
      description: "The endpoint's HTTP status; null when no answer came",
    }),
    error: Type.Union([Type.String(), Type.Null()], {
      description:
        'Why the attempt did not succeed (`HTTP 503`, `timed out`, `endpoint disabled`…); null on a 2xx',
    }),
    response_excerpt: Type.Union([Type.String(), Type.Null()], {
      description: "The first 1,024 bytes of the endpoint's answer, as UTF-8 text",
    }),
    duration_ms: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: 'From sending the request to the end of the answer (or the failure)',
    }),
    attempt: Type.Integer({ minimum: 1, description: "Temporal's attempt number for this event" }),
    next_retry_at: NullableInstant(
      'When the platform tries this event again; null when it will not (delivered, refused for good, out of retries, or a replay)',
    ),
    replay_of: Type.Union([Uuid, Type.Null()], {
      description: 'The attempt this one replayed (POST …/replay); null for the platform’s own',
    }),
    payload: Type.Union([WebhookEventBody, Type.Null()], {
      description:
        'The event as sent (see the `webhooks` catalogue); null for attempts logged before bodies were kept',
    }),
    created_at: Instant,
  },
  { additionalProperties: false },
);

export const WebhookAttemptPage = Page(WebhookAttempt);

export const WebhookAttemptQuery = Type.Object(
  {
    event_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    event_type: Type.Optional(StringEnum(WEBHOOK_EVENT_TYPES)),
    partner_id: Type.Optional(
      Type.Unsafe<string>({
        ...Uuid,
        description: "A super admin's filter; a partner sees only its own attempts",
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
