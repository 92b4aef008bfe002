import { createHash, randomBytes } from 'node:crypto';

/** An opaque token for the client; only its SHA-256 is stored, so a database leak grants nothing. */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
