import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque secrets handed to a client (refresh tokens, account links, stream tickets): 32 random
 * bytes, of which only the SHA-256 is stored, so a database leak opens nothing.
 */
export function newOpaqueToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOpaqueToken(token) };
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
