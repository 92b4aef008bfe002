import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../src/accounts/passwords';
import { insertUser, toUser, type User } from '../../src/db/repositories/users';
import type { Role } from '../../src/domain/roles';
import { stack } from './stack';

export const DEFAULT_TEST_PASSWORD = 'correct-horse-battery-staple';

// argon2id is deliberately slow; the default password is hashed once per run.
let defaultHash: Promise<string> | undefined;
function hashFor(password: string): Promise<string> {
  if (password !== DEFAULT_TEST_PASSWORD) return hashPassword(password);
  defaultHash ??= hashPassword(DEFAULT_TEST_PASSWORD);
  return defaultHash;
}

export interface UserOverrides {
  role?: Role;
  email?: string;
  password?: string;
  first_name?: string;
  last_name?: string;
  is_active?: boolean;
  verified?: boolean;
}

export interface TestUser {
  user: User;
  password: string;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID()}@example.test`;
}

/** Inserts a user through the repository with a unique email; active and verified by default. */
export async function createUser(overrides: UserOverrides = {}): Promise<TestUser> {
  const role = overrides.role ?? 'partner';
  const password = overrides.password ?? DEFAULT_TEST_PASSWORD;
  const row = await insertUser(stack().db, {
    email: overrides.email ?? uniqueEmail(role.replace('_', '-')),
    password_hash: await hashFor(password),
    role,
    first_name: overrides.first_name ?? 'Test',
    last_name: overrides.last_name ?? role,
    is_active: overrides.is_active ?? true,
    verified: overrides.verified ?? true,
  });
  return { user: toUser(row), password };
}

/** A valid access token for the user, signed exactly as the login route signs it. */
export function tokenFor(user: { id: string; role: Role }): Promise<string> {
  return stack().deps.tokens.sign({ userId: user.id, role: user.role });
}

/** A fresh user of the role with its access token: `{ user, password, token }`. */
export async function createUserWithToken(
  overrides: UserOverrides = {},
): Promise<TestUser & { token: string }> {
  const created = await createUser(overrides);
  return { ...created, token: await tokenFor(created.user) };
}

/** `{ Authorization: 'Bearer …' }`, for `request(...).set(bearer(token))`. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
