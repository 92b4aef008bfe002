import type { Knex } from 'knex';
import { RefreshTokenModel } from '../models/refresh-token';

export interface NewRefreshToken {
  user_id: string;
  family_id: string;
  token_hash: string;
  expires_at: Date;
}

export async function insertRefreshToken(
  token: NewRefreshToken,
  trx?: Knex.Transaction,
): Promise<void> {
  await RefreshTokenModel.query(trx).insert(token);
}

/** Locks the row for the rest of the transaction so two refreshes of one token serialise. */
export async function findRefreshTokenForUpdate(
  tokenHash: string,
  trx: Knex.Transaction,
): Promise<RefreshTokenModel | undefined> {
  return RefreshTokenModel.query(trx).where('token_hash', tokenHash).forUpdate().first();
}

export async function findRefreshToken(tokenHash: string): Promise<RefreshTokenModel | undefined> {
  return RefreshTokenModel.query().where('token_hash', tokenHash).first();
}

export async function markRefreshTokenUsed(id: string, trx: Knex.Transaction): Promise<void> {
  await RefreshTokenModel.query(trx).patch({ used_at: new Date() }).where('id', id);
}

/** When the session (token family) began: the first login, however often it was refreshed since. */
export async function familyStartedAt(familyId: string, trx: Knex.Transaction): Promise<Date> {
  const row = (await RefreshTokenModel.query(trx)
    .where('family_id', familyId)
    .min('created_at as started')
    .first()) as unknown as { started: Date };
  return new Date(row.started);
}

/** Revokes every live token of one family (a session) or of one user (all sessions). */
export async function revokeRefreshTokens(
  which: { family_id: string } | { user_id: string },
  trx?: Knex.Transaction,
): Promise<number> {
  return RefreshTokenModel.query(trx)
    .patch({ revoked_at: new Date() })
    .where(which)
    .whereNull('revoked_at');
}
