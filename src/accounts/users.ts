import type { AuthUser } from './auth-user';
import type { Db, Queryable } from '../db/knex';
import { revokeRefreshTokens } from '../db/repositories/refresh-tokens';
import {
  findUserById,
  insertUser,
  toUser,
  updateUser,
  type User,
  type UserChanges,
} from '../db/repositories/users';
import { notFound, unprocessable, ValidationError } from '../domain/errors';
import { passwordProblems } from '../domain/password-policy';
import type { Role } from '../domain/roles';
import { hashPassword } from './passwords';

export interface NewAccount {
  email: string;
  password: string;
  role: Role;
  first_name: string;
  last_name: string;
}

/** Throws a 400 naming `password` when it breaks the policy. */
export function assertPasswordAllowed(password: string, email: string): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) throw new ValidationError('The password is not allowed.', problems);
}

/**
 * Creates an active account. `verified` says whether the email address counts as confirmed
 * (accounts made by an operator are; self-registered ones are not until the link is followed).
 */
export async function createAccount(
  db: Queryable,
  account: NewAccount,
  options: { verified: boolean },
): Promise<User> {
  assertPasswordAllowed(account.password, account.email);
  const { password, ...rest } = account;
  const row = await insertUser(db, {
    ...rest,
    email: account.email.trim(),
    password_hash: await hashPassword(password),
    is_active: true,
    verified: options.verified,
  });
  return toUser(row);
}

/** Super admins see everyone; anyone else only themself (others are "not found", not forbidden). */
export async function findVisibleUser(db: Queryable, caller: AuthUser, id: string): Promise<User> {
  if (caller.role !== 'super_admin' && caller.id !== id) throw notFound('The user');
  const row = await findUserById(db, id);
  if (!row) throw notFound('The user');
  return toUser(row);
}

export type AdminChanges = Pick<UserChanges, 'first_name' | 'last_name' | 'role' | 'is_active'>;

/**
 * Applies a super admin's changes. Access tokens of a deactivated user stop working at once
 * because each request reloads the user.
 */
export async function changeUser(
  db: Db,
  caller: AuthUser,
  id: string,
  changes: AdminChanges,
): Promise<User> {
  const demotesSelf = changes.role !== undefined && changes.role !== caller.role;
  if (caller.id === id && (changes.is_active === false || demotesSelf)) {
    // The platform must always keep a super admin who can undo mistakes.
    throw unprocessable('You cannot deactivate yourself or change your own role.');
  }
  return applyUserChanges(db, id, changes);
}

/** Deactivation revokes every refresh token in the same transaction. */
export async function applyUserChanges(db: Db, id: string, changes: AdminChanges): Promise<User> {
  return db.transaction(async (trx) => {
    const row = await updateUser(trx, id, changes);
    if (!row) throw notFound('The user');
    if (changes.is_active === false) await revokeRefreshTokens(trx, { user_id: id });
    return toUser(row);
  });
}
