import type { ModelObject } from 'objection';
import type { Queryable } from '../knex';
import { NotificationStreamTicketModel } from '../models/notification-stream-ticket';

type TicketRow = ModelObject<NotificationStreamTicketModel>;

const TABLE = NotificationStreamTicketModel.tableName;
const tickets = (db: Queryable) => db<TicketRow>(TABLE);

/** Stores a ticket's hash; expired tickets are swept on the way. */
export async function insertStreamTicket(
  db: Queryable,
  ticketHash: string,
  userId: string,
  ttlSeconds: number,
): Promise<void> {
  await tickets(db).where('expires_at', '<', db.fn.now()).delete();
  await tickets(db).insert({
    ticket_hash: ticketHash,
    user_id: userId,
    expires_at: db.raw(`now() + make_interval(secs => ?)`, [ttlSeconds]),
  });
}

/** Deletes the ticket and returns its user if it was still valid: a ticket works once. */
export async function consumeStreamTicket(
  db: Queryable,
  ticketHash: string,
): Promise<string | undefined> {
  const result = await db.raw<{
    rows: (Pick<TicketRow, 'user_id'> & { valid: boolean })[];
  }>(`delete from ${TABLE} where ticket_hash = ? returning user_id, expires_at > now() as valid`, [
    ticketHash,
  ]);
  const row = result.rows[0];
  return row?.valid ? row.user_id : undefined;
}
