import type { Queryable } from '../knex';
import { AccountTokenModel, type AccountTokenPurpose } from '../models/account-token';

export type { AccountTokenPurpose };

export type NewAccountToken = Pick<
  AccountTokenModel,
  'user_id' | 'purpose' | 'token_hash' | 'expires_at'
>;

export async function insertAccountToken(
  db: Queryable,
  token: NewAccountToken,
): Promise<AccountTokenModel> {
  return AccountTokenModel.query(db).insert(token).returning('*');
}

export type ConsumeOutcome =
  { consumed: AccountTokenModel } | { failure: 'unknown' | 'used' | 'expired' };

/**
 * Spends the token in one conditional UPDATE, so two concurrent uses cannot both succeed; the
 * caller's transaction decides whether the spending sticks.
 */
export async function consumeAccountToken(
  db: Queryable,
  purpose: AccountTokenPurpose,
  tokenHash: string,
): Promise<ConsumeOutcome> {
  const [consumed] = await AccountTokenModel.query(db)
    .where({ purpose, token_hash: tokenHash })
    .whereNull('consumed_at')
    .where('expires_at', '>', db.fn.now())
    .patch({ consumed_at: db.fn.now() as unknown as Date })
    .returning('*');
  if (consumed) return { consumed };
  const row = await AccountTokenModel.query(db).findOne({ purpose, token_hash: tokenHash });
  if (!row) return { failure: 'unknown' };
  return { failure: row.consumed_at ? 'used' : 'expired' };
}

/** Spends every live token of the purpose, e.g. older reset links once the password changed. */
export async function consumeAccountTokensOfUser(
  db: Queryable,
  userId: string,
  purpose: AccountTokenPurpose,
): Promise<void> {
  await AccountTokenModel.query(db)
    .where({ user_id: userId, purpose })
    .whereNull('consumed_at')
    .patch({ consumed_at: db.fn.now() as unknown as Date });
}

export async function countAccountTokensSince(
  db: Queryable,
  userId: string,
  purpose: AccountTokenPurpose,
  sinceSeconds: number,
): Promise<number> {
  return AccountTokenModel.query(db)
    .where({ user_id: userId, purpose })
    .whereRaw('created_at > now() - make_interval(secs => ?)', [sinceSeconds])
    .resultSize();
}
