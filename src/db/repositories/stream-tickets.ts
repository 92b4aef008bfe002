import type { Queryable } from '../knex';

const TABLE = 'notification_stream_tickets';

/** Stores a ticket's hash; expired tickets are swept on the way. */
export async function insertStreamTicket(
  db: Queryable,
  ticketHash: string,
  userId: string,
  ttlSeconds: number,
): Promise<void> {
  await db(TABLE).where('expires_at', '<', db.fn.now()).delete();
  await db(TABLE).insert({
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
    rows: { user_id: string; valid: boolean }[];
  }>(`delete from ${TABLE} where ticket_hash = ? returning user_id, expires_at > now() as valid`, [
    ticketHash,
  ]);
  const row = result.rows[0];
  return row?.valid ? row.user_id : undefined;
}
