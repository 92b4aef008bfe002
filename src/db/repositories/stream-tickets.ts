import { NotificationModel } from '../models/notification';

const TABLE = 'notification_stream_tickets';

/** Stores a ticket's hash; expired tickets are swept on the way. */
export async function insertStreamTicket(
  ticketHash: string,
  userId: string,
  ttlSeconds: number,
): Promise<void> {
  const knex = NotificationModel.knex();
  await knex(TABLE).where('expires_at', '<', knex.fn.now()).delete();
  await knex(TABLE).insert({
    ticket_hash: ticketHash,
    user_id: userId,
    expires_at: knex.raw(`now() + make_interval(secs => ?)`, [ttlSeconds]),
  });
}

/** Deletes the ticket and returns its user if it was still valid: a ticket works once. */
export async function consumeStreamTicket(ticketHash: string): Promise<string | undefined> {
  const result = await NotificationModel.knex().raw<{
    rows: { user_id: string; valid: boolean }[];
  }>(`delete from ${TABLE} where ticket_hash = ? returning user_id, expires_at > now() as valid`, [
    ticketHash,
  ]);
  const row = result.rows[0];
  return row?.valid ? row.user_id : undefined;
}
