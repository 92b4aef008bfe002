import { findUserById } from '../db/repositories/users';
import { DomainError } from '../domain/errors';

/**
 * Throws `email-not-verified` (403) unless the user's email address is confirmed. Routes that
 * need a reachable account (creating deliveries) call it after authentication.
 */
export async function assertEmailVerified(user: { id: string }): Promise<void> {
  const row = await findUserById(user.id);
  if (!row?.email_verified_at) {
    throw new DomainError(
      'email-not-verified',
      'Confirm your email address first: follow the link in the verification email.',
    );
  }
}
