import type { Knex } from 'knex';
import type { AccountTokenModel } from '../db/models/account-token';
import { consumeAccountToken, type AccountTokenPurpose } from '../db/repositories/account-tokens';
import { DomainError } from '../domain/errors';
import { hashOpaqueToken } from './opaque-token';

export const ACCOUNT_TOKEN_TTL_SECONDS: Record<AccountTokenPurpose, number> = {
  'verify-email': 48 * 3600,
  'reset-password': 3600,
};

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
): Promise<AccountTokenModel> {
  const outcome = await consumeAccountToken(trx, purpose, hashOpaqueToken(token));
  if ('failure' in outcome) throw new DomainError('invalid-token', FAILURES[outcome.failure]);
  return outcome.consumed;
}
