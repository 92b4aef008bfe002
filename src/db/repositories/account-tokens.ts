import type { Queryable } from '../knex';

export type AccountTokenPurpose = 'verify-email' | 'reset-password';

export interface AccountTokenRow {
  id: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  token_hash: string;
  expires_at: Date;
  consumed_at: Date | null;
  created_at: Date;
}

const TABLE = 'account_tokens';

export async function insertAccountToken(
  db: Queryable,
  token: Pick<AccountTokenRow, 'user_id' | 'purpose' | 'token_hash' | 'expires_at'>,
): Promise<AccountTokenRow> {
  const [row] = await db(TABLE).insert(token).returning('*');
  return row as AccountTokenRow;
}

export type ConsumeOutcome =
  { consumed: AccountTokenRow } | { failure: 'unknown' | 'used' | 'expired' };

/**
 * Spends the token in one conditional UPDATE, so two concurrent uses cannot both succeed; the
 * caller's transaction decides whether the spending sticks.
 */
export async function consumeAccountToken(
  db: Queryable,
  purpose: AccountTokenPurpose,
  tokenHash: string,
): Promise<ConsumeOutcome> {
  const [consumed] = await db(TABLE)
    .where({ purpose, token_hash: tokenHash })
    .whereNull('consumed_at')
    .where('expires_at', '>', db.fn.now())
    .update({ consumed_at: db.fn.now() })
    .returning('*');
  if (consumed) return { consumed: consumed as AccountTokenRow };
  const row = (await db(TABLE).where({ purpose, token_hash: tokenHash }).first()) as
    AccountTokenRow | undefined;
  if (!row) return { failure: 'unknown' };
  return { failure: row.consumed_at ? 'used' : 'expired' };
}

/** Spends every live token of the purpose, e.g. older reset links once the password changed. */
export async function consumeAccountTokensOfUser(
  db: Queryable,
  userId: string,
  purpose: AccountTokenPurpose,
): Promise<void> {
  await db(TABLE)
    .where({ user_id: userId, purpose })
    .whereNull('consumed_at')
    .update({ consumed_at: db.fn.now() });
}

export async function countAccountTokensSince(
  db: Queryable,
  userId: string,
  purpose: AccountTokenPurpose,
  sinceSeconds: number,
): Promise<number> {
  const [row] = await db(TABLE)
    .where({ user_id: userId, purpose })
    .where('created_at', '>', db.raw(`now() - make_interval(secs => ?)`, [sinceSeconds]))
    .count<{ count: string }[]>('* as count');
  return Number(row?.count ?? 0);
}
