import { hashOpaqueToken, newOpaqueToken } from '../../accounts/opaque-token';
import type { Queryable } from '../../db/knex';
import { activeAuthUser, type AuthUser } from '../../accounts/auth-user';
import { consumeStreamTicket, insertStreamTicket } from '../../db/repositories/stream-tickets';

/** Long enough to open an EventSource right after asking, short enough to be useless if leaked. */
export const STREAM_TICKET_TTL_SECONDS = 60;

/** A random single-use ticket for `?ticket=`; only its hash is stored, so any instance redeems it. */
export async function issueStreamTicket(
  db: Queryable,
  userId: string,
): Promise<{ ticket: string; expires_in: number }> {
  const { token: ticket, hash } = newOpaqueToken();
  await insertStreamTicket(db, hash, userId, STREAM_TICKET_TTL_SECONDS);
  return { ticket, expires_in: STREAM_TICKET_TTL_SECONDS };
}

/** Consumes the ticket and returns its user, like a bearer token would; 401 when unusable. */
export async function redeemStreamTicket(db: Queryable, ticket: string): Promise<AuthUser> {
  const userId = await consumeStreamTicket(db, hashOpaqueToken(ticket));
  return activeAuthUser(db, userId, 'The stream ticket is invalid, expired or already used.');
}
