import { raw } from 'objection';
import { LoginAttemptModel } from '../models/login-attempt';

export type AttemptKey = { email_key: string } | { address: string };

export async function recordLoginAttempt(emailKey: string, address: string): Promise<string> {
  const row = await LoginAttemptModel.query().insert({ email_key: emailKey, address });
  return row.id;
}

export async function deleteLoginAttempt(id: string): Promise<void> {
  await LoginAttemptModel.query().deleteById(id);
}

export async function clearLoginAttemptsForEmail(emailKey: string): Promise<void> {
  await LoginAttemptModel.query().delete().where('email_key', emailKey);
}

export async function deleteLoginAttemptsOlderThan(windowSeconds: number): Promise<void> {
  await LoginAttemptModel.query()
    .delete()
    .whereRaw('created_at < now() - make_interval(secs => ?)', [windowSeconds]);
}

const recent = (key: AttemptKey, windowSeconds: number) =>
  LoginAttemptModel.query()
    .where(key)
    .whereRaw('created_at >= now() - make_interval(secs => ?)', [windowSeconds]);

export async function countRecentLoginAttempts(
  key: AttemptKey,
  windowSeconds: number,
): Promise<number> {
  const row = (await recent(key, windowSeconds).count('* as n').first()) as unknown as {
    n: string;
  };
  return Number(row.n);
}

/** Seconds until the `limit`-th most recent attempt leaves the window (the key is then under it). */
export async function secondsUntilUnderLimit(
  key: AttemptKey,
  windowSeconds: number,
  limit: number,
): Promise<number> {
  const row = (await recent(key, windowSeconds)
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
