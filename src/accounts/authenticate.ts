import type { AuthUser } from '../api/route';
import { unauthenticated } from '../domain/errors';
import { findUserById } from '../db/repositories/users';
import type { AccessTokens } from './access-tokens';

/**
 * Verifies the JWT, then reads the user so a deactivation or role change takes effect at once
 * (a primary-key lookup per request is cheaper than a stale authorisation).
 */
export function createAuthenticator(tokens: AccessTokens) {
  return async (bearerToken: string): Promise<AuthUser> => {
    const claims = await tokens.verify(bearerToken);
    const user = await findUserById(claims.userId);
    if (!user || !user.is_active) throw unauthenticated('The account is not active.');
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      emailVerified: user.email_verified_at !== null,
    };
  };
}
