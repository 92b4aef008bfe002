import { Type } from '@sinclair/typebox';
import { Page, PageQuery, Uuid } from './common';

const Url = Type.String({ format: 'uri', maxLength: 2048 });

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

export const WebhookAttempt = Type.Object(
  {
    id: Uuid,
    event_id: Type.String(),
    event_type: Type.String(),
    url: Type.String(),
    status_code: Type.Union([Type.Integer(), Type.Null()]),
    error: Type.Union([Type.String(), Type.Null()]),
    attempt: Type.Integer({ minimum: 1 }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const WebhookAttemptPage = Page(WebhookAttempt);

export const WebhookAttemptQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
