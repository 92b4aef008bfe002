import type { Queryable } from '../db/knex';
import { findUserById, toUser, type User, type UserRow } from '../db/repositories/users';
import { unauthenticated } from '../domain/errors';
import type { Role } from '../domain/roles';

/**
 * Who a request acts for, as authentication found them; what business logic receives. `id` and
 * `role` are the account's, at the top because every access rule reads them.
 */
export interface AuthUser {
  id: string;
  role: Role;
  /**
   * The account as authentication read it on this request: `GET /users/me` and the email check
   * read it rather than query again.
   */
  account: User;
  /**
   * Set when the request came with a partner's API key rather than a signed-in user's token;
   * `sandbox` only for a sandbox key (`dak_test_…`), whose deliveries are test ones.
   */
  apiKey?: { id: string; name: string; sandbox?: true };
}

/** Who a stored account acts as: a JWT's or a stream ticket's owner, or an API key's partner. */
export function authUserOf(user: UserRow, apiKey?: AuthUser['apiKey']): AuthUser {
  const account = toUser(user);
  return {
    id: account.id,
    role: account.role,
    account,
    ...(apiKey ? { apiKey } : {}),
  };
}

/** The active account a credential names, as an AuthUser; `refusal` is the 401 otherwise. */
export async function activeAuthUser(
  db: Queryable,
  userId: string | undefined,
  refusal: string,
): Promise<AuthUser> {
  const user = userId ? await findUserById(db, userId) : undefined;
  if (!user || !user.is_active) throw unauthenticated(refusal);
  return authUserOf(user);
}
