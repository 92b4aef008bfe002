import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from '../../db/repositories/notifications';
import { findUserById } from '../../db/repositories/users';
import { notFound, ValidationError } from '../../domain/errors';
import { ROLES } from '../../domain/roles';
import { openNotificationStream } from '../notification-stream/sse-stream';
import { issueStreamTicket } from '../notification-stream/stream-tickets';
import {
  IdParams,
  Problem,
  STREAM_POSITION_PATTERN,
  STREAM_POSITION_REFUSAL,
} from '../../schemas/common';
import {
  LastEventIdHeader,
  NotificationListQuery,
  NotificationPage,
  NotificationStreamEvent,
  NotificationStreamQuery,
  StreamTicket,
} from '../../schemas/notifications';
import type { AppDeps } from '../deps';
import { defineRoute } from '../route';

const STREAM_POSITION = new RegExp(STREAM_POSITION_PATTERN);

/** The header a reconnecting EventSource sends wins over the query a fresh one was opened with. */
function resumePosition(header: string | undefined, query: string | undefined): number | null {
  // An empty header is an invalid id, not an absent one (EventSource never sends it empty).
  const value = header ?? query;
  if (value === undefined) return null;
  if (!STREAM_POSITION.test(value)) {
    throw new ValidationError('The Last-Event-ID is invalid.', [
      { field: 'Last-Event-ID', message: STREAM_POSITION_REFUSAL },
    ]);
  }
  return Number(value);
}

export function notificationRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'get',
      path: '/notifications',
      summary: 'Your notifications, newest first',
      tag: 'notifications',
      access: { roles: ROLES },
      query: NotificationListQuery,
      responses: { 200: { description: 'A page of notifications', schema: NotificationPage } },
      handle: async ({ query, user }) => {
        const { unread = false, limit = 20, cursor } = query;
        const page = await listNotifications(deps.db, user.id, { unread, limit, cursor });
        return { status: 200, body: { data: page.rows, next_cursor: page.next_cursor } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notifications/read-all',
      summary: 'Mark all your notifications read',
      tag: 'notifications',
      access: { roles: ROLES },
      responses: { 204: { description: 'All read' } },
      handle: async ({ user }) => {
        await markAllNotificationsRead(deps.db, user.id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notifications/{id}/read',
      summary: 'Mark one of your notifications read',
      tag: 'notifications',
      access: { roles: ROLES },
      params: IdParams,
      responses: {
        204: { description: 'Read' },
        404: { description: 'You have no such notification', schema: Problem },
      },
      handle: async ({ params, user }) => {
        if (!(await markNotificationRead(deps.db, user.id, params.id)))
          throw notFound('The notification');
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notifications/stream-ticket',
      summary: 'A single-use ticket that opens the stream from a browser EventSource',
      tag: 'notifications',
      access: { roles: ROLES },
      responses: { 201: { description: 'Use within expires_in seconds', schema: StreamTicket } },
      handle: async ({ user }) => ({
        status: 201,
        body: await issueStreamTicket(deps.db, user.id),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/notifications/stream',
      summary: 'Your notifications as Server-Sent Events, live, resumable with Last-Event-ID',
      tag: 'notifications',
      access: { roles: ROLES },
      queryCredential: 'ticket',
      query: NotificationStreamQuery,
      headers: { 'Last-Event-ID': LastEventIdHeader },
      responses: {
        200: {
          description:
            'An event stream: `id: <seq>`, `event: notification`, `data: <notification JSON>`; `: ping` comments keep it open',
          contentType: 'text/event-stream',
          schema: NotificationStreamEvent,
        },
      },
      handle: async ({ query, headers, user, ctx }) => {
        const header = headers['last-event-id'];
        await openNotificationStream(ctx, {
          db: deps.db,
          hub: deps.notificationHub,
          userId: user.id,
          lastEventId: resumePosition(
            typeof header === 'string' ? header : undefined,
            query.last_event_id,
          ),
          heartbeatMs: deps.config.SSE_HEARTBEAT_SECONDS * 1000,
          drain: deps.drain,
          streams: {
            opened: () => deps.metrics.openStreams.inc(),
            closed: () => deps.metrics.openStreams.dec(),
          },
          stillAllowed: async () => (await findUserById(deps.db, user.id))?.is_active === true,
        });
        return { status: 200, raw: true };
      },
    }),
  ];
}
