import type { Static } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Notification as NotificationSchema } from '../../schemas/notifications';
import type { Queryable } from '../knex';
import { NotificationModel } from '../models/notification';
import { newestFirstPage, type Page } from '../pagination';

/** The Postgres channel every API process LISTENs on. */
export const NOTIFICATION_CHANNEL = 'notifications';

export type Notification = Static<typeof NotificationSchema>;

/** A stored notification with its per-user monotonic stream position. */
export interface SequencedNotification {
  seq: number;
  user_id: string;
  notification: Notification;
}

export type NewNotification = Pick<
  NotificationModel,
  'user_id' | 'type' | 'title' | 'message' | 'delivery_id' | 'event_key'
>;

export function toNotification(row: NotificationModel): Notification {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    message: row.message,
    delivery_id: row.delivery_id,
    read_at: row.read_at ? new Date(row.read_at).toISOString() : null,
    created_at: new Date(row.created_at).toISOString(),
  };
}

function sequenced(row: NotificationModel): SequencedNotification {
  return { seq: Number(row.seq), user_id: row.user_id, notification: toNotification(row) };
}

// Postgres refuses NOTIFY payloads of 8000 bytes or more.
const MAX_PAYLOAD_BYTES = 7900;

/** The row itself, or only its position when too long: listeners then read it back. */
function announcement(item: SequencedNotification): string {
  const full = JSON.stringify(item);
  if (Buffer.byteLength(full) <= MAX_PAYLOAD_BYTES) return full;
  return JSON.stringify({ seq: item.seq, user_id: item.user_id });
}

/**
 * Inserts the rows whose event key is new and announces each on the channel; Postgres delivers
 * the announcements on commit, so a listener never sees a row it cannot read back.
 */
export async function insertNotifications(
  db: Queryable,
  rows: readonly NewNotification[],
): Promise<SequencedNotification[]> {
  if (rows.length === 0) return [];
  const run = async (trx: Knex.Transaction) => {
    // knex, not the model: objection would echo the input rows back even when none was inserted.
    const inserted = (await trx(NotificationModel.tableName)
      .insert(rows)
      .onConflict('event_key')
      .ignore()
      .returning('*')) as NotificationModel[];
    const stored = inserted.map(sequenced);
    if (stored.length > 0) {
      await trx.raw('select pg_notify(?, payload) from unnest(?::text[]) as payload', [
        NOTIFICATION_CHANNEL,
        stored.map(announcement),
      ]);
    }
    return stored;
  };
  // Inside the caller's transaction when it has one; otherwise rows and announcements in one of its own.
  return db.isTransaction ? run(db as Knex.Transaction) : db.transaction(run);
}

export async function listNotifications(
  db: Queryable,
  userId: string,
  opts: { unread: boolean; limit: number; cursor?: string | undefined },
): Promise<Page<Notification>> {
  const query = NotificationModel.query(db).where('notifications.user_id', userId);
  if (opts.unread) query.whereNull('notifications.read_at');
  const page = await newestFirstPage(query, 'notifications', opts);
  return { rows: page.rows.map(toNotification), next_cursor: page.next_cursor };
}

/** The user's notifications after stream position `seq`, oldest first. */
export async function notificationsAfter(
  db: Queryable,
  userId: string,
  seq: number,
  limit: number,
): Promise<SequencedNotification[]> {
  const rows = await NotificationModel.query(db)
    .where('user_id', userId)
    .where('seq', '>', seq)
    .orderBy('seq')
    .limit(limit);
  return rows.map(sequenced);
}

/** The user's latest stream position (0 before the first notification). */
export async function latestNotificationSeq(db: Queryable, userId: string): Promise<number> {
  const row = (await NotificationModel.query(db)
    .where('user_id', userId)
    .max('seq as max')
    .first()) as unknown as { max: string | null } | undefined;
  return Number(row?.max ?? 0);
}

/** Marks one of the user's notifications read; false when the user has no such notification. */
export async function markNotificationRead(
  db: Queryable,
  userId: string,
  id: string,
): Promise<boolean> {
  const updated = await NotificationModel.query(db)
    .patch({ read_at: db.raw('coalesce(read_at, now())') } as never)
    .where({ id, user_id: userId });
  return updated > 0;
}

export async function markAllNotificationsRead(db: Queryable, userId: string): Promise<void> {
  await NotificationModel.query(db)
    .patch({ read_at: db.raw('now()') } as never)
    .where('user_id', userId)
    .whereNull('read_at');
}
