import { raw } from 'objection';
import type { Queryable } from '../knex';
import { LoginAttemptModel } from '../models/login-attempt';

export type AttemptKey = { email_key: string } | { address: string };

export async function recordLoginAttempt(
  db: Queryable,
  emailKey: string,
  address: string,
): Promise<string> {
  const row = await LoginAttemptModel.query(db).insert({ email_key: emailKey, address });
  return row.id;
}

export async function deleteLoginAttempt(db: Queryable, id: string): Promise<void> {
  await LoginAttemptModel.query(db).deleteById(id);
}

export async function clearLoginAttemptsForEmail(db: Queryable, emailKey: string): Promise<void> {
  await LoginAttemptModel.query(db).delete().where('email_key', emailKey);
}

export async function deleteLoginAttemptsOlderThan(
  db: Queryable,
  windowSeconds: number,
): Promise<void> {
  await LoginAttemptModel.query(db)
    .delete()
    .whereRaw('created_at < now() - make_interval(secs => ?)', [windowSeconds]);
}

const recent = (db: Queryable, key: AttemptKey, windowSeconds: number) =>
  LoginAttemptModel.query(db)
    .where(key)
    .whereRaw('created_at >= now() - make_interval(secs => ?)', [windowSeconds]);

export async function countRecentLoginAttempts(
  db: Queryable,
  key: AttemptKey,
  windowSeconds: number,
): Promise<number> {
  const row = (await recent(db, key, windowSeconds).count('* as n').first()) as unknown as {
    n: string;
  };
  return Number(row.n);
}

/** Seconds until the `limit`-th most recent attempt leaves the window (the key is then under it). */
export async function secondsUntilUnderLimit(
  db: Queryable,
  key: AttemptKey,
  windowSeconds: number,
  limit: number,
): Promise<number> {
  const row = (await recent(db, key, windowSeconds)
    .select(
      raw('extract(epoch from created_at + make_interval(secs => ?) - now()) as wait', [
        windowSeconds,
      ]),
    )
    .orderBy('created_at', 'desc')
    .offset(limit - 1)
    .first()) as unknown as { wait: string } | undefined;
  return Math.max(1, Math.ceil(Number(row?.wait ?? 1)));
}
