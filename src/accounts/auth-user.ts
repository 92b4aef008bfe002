import type { UserModel } from '../db/models/user';
import type { Role } from '../domain/roles';

/** Who a request acts for, as authentication found them; what business logic receives. */
export interface AuthUser {
  id: string;
  email: string;
  role: Role;
  /** Read with the user on every request, so routes that need it ask no second query. */
  emailVerified: boolean;
  /** Set when the request came with a partner's API key rather than a signed-in user's token. */
  apiKey?: { id: string; name: string };
}

/** The signed-in user a stored account acts as (a JWT's or a stream ticket's owner). */
export function authUserOf(user: UserModel): AuthUser {
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    emailVerified: user.email_verified_at !== null,
  };
}
