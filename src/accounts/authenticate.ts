import { activeAuthUser, type AuthUser } from './auth-user';
import type { Queryable } from '../db/knex';
import type { AccessTokens } from './access-tokens';
import { authenticateApiKey, isApiKey } from './api-keys';
import type { ThrottleLimits } from './login-throttle';

/**
 * Verifies the JWT, then reads the user so a deactivation or role change takes effect at once
 * (a primary-key lookup per request is cheaper than a stale authorisation). A bearer token with
 * the API key prefix is a partner's key instead, read with its owner the same way.
 */
export function createAuthenticator(
  db: Queryable,
  tokens: AccessTokens,
  apiKeyLimits: ThrottleLimits,
) {
  return async (bearerToken: string, clientAddress: string): Promise<AuthUser> => {
    if (isApiKey(bearerToken))
      return authenticateApiKey(db, bearerToken, clientAddress, apiKeyLimits);
    const claims = await tokens.verify(bearerToken);
    return activeAuthUser(db, claims.userId, 'The account is not active.');
  };
}
