import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { Db, Queryable } from '../db/knex';
import type { UserModel } from '../db/models/user';
import {
  familyStartedAt,
  findRefreshToken,
  findRefreshTokenForUpdate,
  insertRefreshToken,
  markRefreshTokenUsed,
  revokeRefreshTokens,
} from '../db/repositories/refresh-tokens';
import { findUserByEmail, findUserById, toUser, type User } from '../db/repositories/users';
import { unauthenticated } from '../domain/errors';
import type { Logger } from '../logger';
import type { AccessTokens } from './access-tokens';
import { beginLoginAttempt, throttleLimits } from './login-throttle';
import { dummyPasswordHash, verifyPassword } from './passwords';
import { hashOpaqueToken, newOpaqueToken } from './opaque-token';

export interface SessionDeps {
  config: Config;
  db: Db;
  logger: Logger;
  tokens: AccessTokens;
}

export interface Session {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
  user: User;
}

const badCredentials = () => unauthenticated('The email address or password is incorrect.');
const badRefreshToken = () =>
  unauthenticated('The refresh token is invalid, expired or revoked. Sign in again.');

async function issueSession(
  deps: SessionDeps,
  db: Queryable,
  user: UserModel,
  familyId: string,
): Promise<Session> {
  const { token: refreshToken, hash: tokenHash } = newOpaqueToken();
  await insertRefreshToken(db, {
    user_id: user.id,
    family_id: familyId,
    token_hash: tokenHash,
    expires_at: new Date(Date.now() + deps.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
  });
  return {
    access_token: await deps.tokens.sign({ userId: user.id, role: user.role }),
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: deps.tokens.ttlSeconds,
    user: toUser(user),
  };
}

/** Unknown email, wrong password and deactivated account all fail alike, in similar time. */
export async function login(
  deps: SessionDeps,
  credentials: { email: string; password: string },
  address: string,
): Promise<Session> {
  const attempt = await beginLoginAttempt(
    deps.db,
    throttleLimits(deps.config),
    credentials.email,
    address,
  );
  const user = await findUserByEmail(deps.db, credentials.email);
  const hash = user?.password_hash ?? (await dummyPasswordHash());
  const passwordMatches = await verifyPassword(hash, credentials.password);
  if (!user || !passwordMatches || !user.is_active) throw badCredentials();
  await attempt.succeeded();
  return issueSession(deps, deps.db, user, randomUUID());
}

type RotationOutcome =
  | { session: Session }
  | { failure: 'invalid' }
  | { failure: 'reused'; userId: string; familyId: string };

/**
 * Rotates a refresh token: the presented one is spent and a new one joins its family.
 * Presenting a spent token means it leaked (or a client raced itself): the whole family is
 * revoked, so the legitimate holder and the thief both have to sign in again.
 */
export async function refresh(deps: SessionDeps, refreshToken: string): Promise<Session> {
  const outcome = await deps.db.transaction(async (trx): Promise<RotationOutcome> => {
    const row = await findRefreshTokenForUpdate(trx, hashOpaqueToken(refreshToken));
    if (!row || row.revoked_at) return { failure: 'invalid' };
    if (row.used_at) {
      await revokeRefreshTokens(trx, { family_id: row.family_id });
      return { failure: 'reused', userId: row.user_id, familyId: row.family_id };
    }
    if (row.expires_at.getTime() <= Date.now()) return { failure: 'invalid' };
    // Rotation renews the token, never the session: a stolen chain cannot be kept alive forever.
    const started = await familyStartedAt(trx, row.family_id);
    if (started.getTime() + deps.config.REFRESH_SESSION_MAX_AGE_SECONDS * 1000 <= Date.now()) {
      await revokeRefreshTokens(trx, { family_id: row.family_id });
      return { failure: 'invalid' };
    }
    const user = await findUserById(trx, row.user_id);
    if (!user?.is_active) {
      await revokeRefreshTokens(trx, { family_id: row.family_id });
      return { failure: 'invalid' };
    }
    await markRefreshTokenUsed(trx, row.id);
    return { session: await issueSession(deps, trx, user, row.family_id) };
  });
  if ('session' in outcome) return outcome.session;
  if (outcome.failure === 'reused') {
    const { userId, familyId } = outcome;
    deps.logger.warn({ userId, familyId }, 'refresh token reused: token family revoked');
  }
  throw badRefreshToken();
}

/** Ends the session the token belongs to. Unknown tokens are ignored: logging out is idempotent. */
export async function logout(db: Queryable, refreshToken: string): Promise<void> {
  const row = await findRefreshToken(db, hashOpaqueToken(refreshToken));
  if (row) await revokeRefreshTokens(db, { family_id: row.family_id });
}
