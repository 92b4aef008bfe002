import type { Config } from '../config';
import type { Queryable } from '../db/knex';
import {
  clearLoginAttemptsForEmail,
  countRecentLoginAttempts,
  deleteLoginAttempt,
  deleteLoginAttemptsOlderThan,
  recordLoginAttempt,
  secondsUntilUnderLimit,
  type AttemptKey,
} from '../db/repositories/login-attempts';
import { rateLimited, unauthenticated } from '../domain/errors';

export interface ThrottleLimits {
  perEmail: number;
  perAddress: number;
  windowSeconds: number;
}

export function throttleLimits(config: Config): ThrottleLimits {
  return {
    perEmail: config.LOGIN_MAX_FAILURES_PER_EMAIL,
    perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
    windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
  };
}

export interface LoginAttempt {
  /** Forgets the account's failures: a successful login starts its count afresh. */
  succeeded(): Promise<void>;
}

interface Check {
  key: AttemptKey;
  limit: number;
}

/**
 * Records the attempt before anything is checked and only then counts, so concurrent guesses (on
 * any API instance) cannot all slip under the limit. Over a limit, 429 with the longest wait.
 */
async function recordWithinLimits(
  db: Queryable,
  limits: ThrottleLimits,
  attempt: { emailKey: string; address: string },
  checks: Check[],
): Promise<void> {
  await deleteLoginAttemptsOlderThan(db, limits.windowSeconds);
  const id = await recordLoginAttempt(db, attempt.emailKey, attempt.address);
  const counts = await Promise.all(
    checks.map((c) => countRecentLoginAttempts(db, c.key, limits.windowSeconds)),
  );
  const exceeded = checks.filter((c, i) => (counts[i] ?? 0) > c.limit);
  if (exceeded.length > 0) {
    // A refused attempt is not a guess; it must not prolong the wait.
    await deleteLoginAttempt(db, id);
    const waits = await Promise.all(
      exceeded.map((c) => secondsUntilUnderLimit(db, c.key, limits.windowSeconds, c.limit)),
    );
    throw rateLimited('Too many failed sign-in attempts. Try again later.', Math.max(...waits));
  }
}

const addressCheck = (limits: ThrottleLimits, address: string): Check => ({
  key: { address },
  limit: limits.perAddress,
});

/**
 * Counts the attempt before the password is checked. An attempt that is not cleared by
 * `succeeded()` stays counted as a failure for the window.
 */
export async function beginLoginAttempt(
  db: Queryable,
  limits: ThrottleLimits,
  email: string,
  address: string,
): Promise<LoginAttempt> {
  const emailKey = email.trim().toLowerCase();
  await recordWithinLimits(db, limits, { emailKey, address }, [
    { key: { email_key: emailKey }, limit: limits.perEmail },
    addressCheck(limits, address),
  ]);
  return { succeeded: () => clearLoginAttemptsForEmail(db, emailKey) };
}

/**
 * Stands in for the email in `login_attempts` rows of unknown API keys: no email has no `@`, so
 * these rows only ever count towards their client address, together with its failed logins.
 */
const UNKNOWN_API_KEY = 'unknown-api-key';

/**
 * An unknown API key is a failed sign-in of its client address: counted with the address's failed
 * logins, 401 while under the limit, 429 with the wait once over it.
 */
export async function refuseUnknownApiKey(
  db: Queryable,
  limits: ThrottleLimits,
  address: string,
): Promise<never> {
  await recordWithinLimits(db, limits, { emailKey: UNKNOWN_API_KEY, address }, [
    addressCheck(limits, address),
  ]);
  throw unauthenticated('The API key is not valid.');
}
