import { DomainError } from '../domain/errors';
import type { AuthUser } from './auth-user';

/**
 * Throws `email-not-verified` (403) unless the user's email address is confirmed. Routes that
 * need a reachable account (creating deliveries) call it after authentication, which read the
 * user on this request.
 */
export function assertEmailVerified(user: AuthUser): void {
  if (!user.account.email_verified) {
    throw new DomainError(
      'email-not-verified',
      'Confirm your email address first: follow the link in the verification email.',
    );
  }
}
