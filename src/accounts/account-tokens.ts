import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import {
  consumeAccountToken,
  type AccountTokenPurpose,
  type AccountTokenRow,
} from '../db/repositories/account-tokens';
import { DomainError } from '../domain/errors';

export const ACCOUNT_TOKEN_TTL_SECONDS: Record<AccountTokenPurpose, number> = {
  'verify-email': 48 * 3600,
  'reset-password': 3600,
};

/** 32 random bytes for the link; only the SHA-256 is stored, so a database leak opens nothing. */
export function generateAccountToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashAccountToken(token) };
}

export function hashAccountToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const FAILURES = {
  unknown: 'This link is not valid.',
  used: 'This link has already been used.',
  expired: 'This link has expired. Ask for a new one.',
} as const;

/** Spends a token of the purpose or throws `invalid-token`; the caller's transaction may undo it. */
export async function spendAccountToken(
  trx: Knex.Transaction,
  purpose: AccountTokenPurpose,
  token: string,
): Promise<AccountTokenRow> {
  const outcome = await consumeAccountToken(trx, purpose, hashAccountToken(token));
  if ('failure' in outcome) throw new DomainError('invalid-token', FAILURES[outcome.failure]);
  return outcome.consumed;
}
