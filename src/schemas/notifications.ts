import { Type } from '@sinclair/typebox';
import { Page, PageQuery, STREAM_POSITION_PATTERN, Uuid } from './common';

export const Notification = Type.Object(
  {
    id: Uuid,
    type: Type.String(),
    title: Type.String(),
    message: Type.String(),
    delivery_id: Type.Union([Uuid, Type.Null()]),
    read_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const NotificationPage = Page(Notification);

export const NotificationListQuery = Type.Object(
  { unread: Type.Optional(Type.Boolean()), ...PageQuery },
  { additionalProperties: false },
);

const StreamPosition = Type.String({ pattern: STREAM_POSITION_PATTERN });

export const NotificationStreamQuery = Type.Object(
  {
    last_event_id: Type.Optional(
      Type.String({
        ...StreamPosition,
        description: 'Resume after this event id (for clients that cannot send Last-Event-ID).',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * One Server-Sent Event of the stream, as an EventSource (or a schema-aware client) sees it:
 * `id`, `event` and `data` lines; `retry:` hints and `: ping` comments are not events.
 */
export const NotificationStreamEvent = Type.Object(
  {
    id: Type.String({ ...StreamPosition, description: 'Send as Last-Event-ID to resume after it' }),
    event: Type.Literal('notification'),
    data: Type.String({
      description: 'The notification, as JSON',
      contentMediaType: 'application/json',
      contentSchema: Notification,
    }),
  },
  { additionalProperties: false },
);

export const LastEventIdHeader = {
  description: 'Resume after this event id: the events stored since are replayed first.',
  schema: StreamPosition,
};

export const StreamTicket = Type.Object(
  {
    ticket: Type.String({ description: 'Pass as `?ticket=` to the stream; works once.' }),
    expires_in: Type.Integer({ description: 'Seconds until the ticket expires.' }),
  },
  { additionalProperties: false },
);
