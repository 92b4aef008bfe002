import type { Knex } from 'knex';
import type { Queryable } from '../knex';
import { RefreshTokenModel } from '../models/refresh-token';

export type NewRefreshToken = Pick<
  RefreshTokenModel,
  'user_id' | 'family_id' | 'token_hash' | 'expires_at'
>;

export async function insertRefreshToken(db: Queryable, token: NewRefreshToken): Promise<void> {
  await RefreshTokenModel.query(db).insert(token);
}

/** Locks the row for the rest of the transaction so two refreshes of one token serialise. */
export async function findRefreshTokenForUpdate(
  trx: Knex.Transaction,
  tokenHash: string,
): Promise<RefreshTokenModel | undefined> {
  return RefreshTokenModel.query(trx).where('token_hash', tokenHash).forUpdate().first();
}

export async function findRefreshToken(
  db: Queryable,
  tokenHash: string,
): Promise<RefreshTokenModel | undefined> {
  return RefreshTokenModel.query(db).where('token_hash', tokenHash).first();
}

export async function markRefreshTokenUsed(db: Queryable, id: string): Promise<void> {
  await RefreshTokenModel.query(db).patch({ used_at: new Date() }).where('id', id);
}

/** When the session (token family) began: the first login, however often it was refreshed since. */
export async function familyStartedAt(db: Queryable, familyId: string): Promise<Date> {
  const row = (await RefreshTokenModel.query(db)
    .where('family_id', familyId)
    .min('created_at as started')
    .first()) as unknown as { started: Date };
  return new Date(row.started);
}

/** Revokes every live token of one family (a session) or of one user (all sessions). */
export async function revokeRefreshTokens(
  db: Queryable,
  which: { family_id: string } | { user_id: string },
): Promise<number> {
  return RefreshTokenModel.query(db)
    .patch({ revoked_at: new Date() })
    .where(which)
    .whereNull('revoked_at');
}
