import { toUser, type User, type UserRow } from '../db/repositories/users';
import type { Role } from '../domain/roles';

/** Who a request acts for, as authentication found them; what business logic receives. */
export interface AuthUser {
  id: string;
  email: string;
  role: Role;
  /** Read with the user on every request, so routes that need it ask no second query. */
  emailVerified: boolean;
  /** The account as authentication read it: `GET /users/me` answers with it, reading nothing more. */
  account: User;
  /** Set when the request came with a partner's API key rather than a signed-in user's token. */
  apiKey?: { id: string; name: string };
}

/** Who a stored account acts as: a JWT's or a stream ticket's owner, or an API key's partner. */
export function authUserOf(user: UserRow, apiKey?: AuthUser['apiKey']): AuthUser {
  const account = toUser(user);
  return {
    id: account.id,
    email: account.email,
    role: account.role,
    emailVerified: account.email_verified,
    account,
    ...(apiKey ? { apiKey } : {}),
  };
}
