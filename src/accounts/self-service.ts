import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import {
  consumeAccountTokensOfUser,
  countAccountTokensSince,
  insertAccountToken,
  type AccountTokenPurpose,
} from '../db/repositories/account-tokens';
import { revokeRefreshTokens } from '../db/repositories/refresh-tokens';
import {
  deleteUser,
  findUserByEmail,
  findUserById,
  updateUser,
  type User,
} from '../db/repositories/users';
import { newOpaqueToken } from './opaque-token';
import { DomainError, forbidden } from '../domain/errors';
import type { Logger } from '../logger';
import { accountEmailWorkflow, accountEmailWorkflowId } from '../workflows/account-email-workflow';
import { accountEmail, accountLink } from './account-email-templates';
import { ACCOUNT_TOKEN_TTL_SECONDS, spendAccountToken } from './account-tokens';
import { domainErrorFrom, withTemporalDeadline } from '../temporal/calls';
import { hashPassword } from './passwords';
import { assertPasswordAllowed, createAccount } from './users';

export interface SelfServiceDeps {
  config: Config;
  db: Db;
  temporal: Client;
  logger: Logger;
}

// One reset email per account per minute is plenty for a human and caps mail bombing.
const RESET_EMAIL_INTERVAL_SECONDS = 60;

/** Issues a token and starts the durable workflow that emails its link. */
async function sendAccountEmail(
  deps: SelfServiceDeps,
  user: { id: string; email: string; first_name: string },
  purpose: AccountTokenPurpose,
): Promise<void> {
  const { token, hash } = newOpaqueToken();
  const row = await insertAccountToken(deps.db, {
    user_id: user.id,
    purpose,
    token_hash: hash,
    expires_at: new Date(Date.now() + ACCOUNT_TOKEN_TTL_SECONDS[purpose] * 1000),
  });
  const message = accountEmail({
    purpose,
    tokenId: row.id,
    to: user.email,
    firstName: user.first_name,
    link: accountLink(deps.config.PUBLIC_URL, purpose, token, user.email),
  });
  try {
    await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.start(accountEmailWorkflow, {
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        workflowId: accountEmailWorkflowId(row.id),
        args: [{ message }],
      }),
    );
  } catch (error) {
    throw domainErrorFrom(error);
  }
}

export interface Registration {
  email: string;
  password: string;
  first_name: string;
  last_name: string;
}

/** Partner self-signup: an unverified account and a verification email, or neither. */
export async function registerPartner(deps: SelfServiceDeps, input: Registration): Promise<User> {
  if (!deps.config.REGISTRATION_ENABLED) {
    throw forbidden('Self-registration is disabled on this platform.');
  }
  const user = await createAccount(deps.db, { ...input, role: 'partner' }, { verified: false });
  try {
    await sendAccountEmail(deps, user, 'verify-email');
  } catch (error) {
    // Without its email the account could never be verified; let the client retry the signup.
    await deleteUser(deps.db, user.id);
    throw error;
  }
  return user;
}

export async function verifyEmail(deps: SelfServiceDeps, token: string): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const spent = await spendAccountToken(trx, 'verify-email', token);
    const user = await findUserById(trx, spent.user_id);
    if (!user?.is_active) throw new DomainError('invalid-token', 'This link is not valid.');
    if (!user.email_verified_at) {
      await updateUser(trx, user.id, { email_verified_at: new Date() });
    }
  });
}

/** Answers the same whatever happens, so the endpoint does not reveal which emails exist. */
export async function requestPasswordReset(deps: SelfServiceDeps, email: string): Promise<void> {
  const user = await findUserByEmail(deps.db, email);
  if (!user?.is_active) return;
  const recent = await countAccountTokensSince(
    deps.db,
    user.id,
    'reset-password',
    RESET_EMAIL_INTERVAL_SECONDS,
  );
  if (recent > 0) return;
  try {
    await sendAccountEmail(deps, user, 'reset-password');
  } catch (error) {
    deps.logger.error({ err: error, userId: user.id }, 'password reset email not started');
  }
}

/**
 * Sets the new password, spends every outstanding reset link and signs out every session. A
 * password the policy refuses rolls everything back, so the same link can be used again.
 * Following the link proves the address, so it also counts as verifying it.
 */
export async function resetPassword(
  deps: SelfServiceDeps,
  token: string,
  password: string,
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    const spent = await spendAccountToken(trx, 'reset-password', token);
    const user = await findUserById(trx, spent.user_id);
    if (!user?.is_active) throw new DomainError('invalid-token', 'This link is not valid.');
    assertPasswordAllowed(password, user.email);
    await updateUser(trx, user.id, {
      password_hash: await hashPassword(password),
      email_verified_at: user.email_verified_at ?? new Date(),
    });
    await consumeAccountTokensOfUser(trx, user.id, 'reset-password');
    await revokeRefreshTokens(trx, { user_id: user.id });
  });
}
