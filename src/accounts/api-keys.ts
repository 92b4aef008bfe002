import { randomBytes } from 'node:crypto';
import { authUserOf, type AuthUser } from './auth-user';
import {
  findPresentedApiKey,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKey,
} from '../db/repositories/api-keys';
import type { Queryable } from '../db/knex';
import type { Page } from '../db/pagination';
import { forbidden, notFound, unauthenticated, ValidationError } from '../domain/errors';
import type { Role } from '../domain/roles';
import {
  API_KEY_PREFIX,
  API_KEY_SECRET_LENGTH,
  SANDBOX_API_KEY_PREFIX,
} from '../domain/api-key-format';
import { refuseUnknownApiKey, type ThrottleLimits } from './login-throttle';
import { hashOpaqueToken } from './opaque-token';

/** What a listing shows of a key: enough to tell keys apart, far too little to guess one. */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 6;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Base62 characters: bytes ≥ 248 (4 × 62) are dropped so every character is as likely. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export const isApiKey = (bearerToken: string) =>
  bearerToken.startsWith(API_KEY_PREFIX) || bearerToken.startsWith(SANDBOX_API_KEY_PREFIX);

/**
 * The key's hash is a plain SHA-256, unlike passwords (argon2id): a password is guessable and
 * needs a slow hash, whereas 190 random bits cannot be searched whatever the hash, and a fast
 * hash keeps the lookup of every API request a single indexed equality match.
 */
export const hashApiKey = hashOpaqueToken;

export interface NewApiKeyRequest {
  name: string;
  expires_at?: string | undefined;
  sandbox?: boolean | undefined;
}

export type CreatedApiKey = ApiKey & { key: string };

/** A partner's new key; the secret is in this answer only, the database holds its hash. */
export async function createApiKey(
  db: Queryable,
  partner: AuthUser,
  request: NewApiKeyRequest,
): Promise<CreatedApiKey> {
  const expiresAt = request.expires_at ?? null;
  if (expiresAt !== null && new Date(expiresAt).getTime() <= Date.now()) {
    throw new ValidationError('The request body is invalid.', [
      { field: 'expires_at', message: 'must be in the future' },
    ]);
  }
  const sandbox = request.sandbox ?? false;
  const prefix = sandbox ? SANDBOX_API_KEY_PREFIX : API_KEY_PREFIX;
  const key = prefix + randomBase62(API_KEY_SECRET_LENGTH);
  const stored = await insertApiKey(db, {
    partner_id: partner.id,
    name: request.name,
    sandbox,
    prefix: key.slice(0, SHOWN_LENGTH),
    key_hash: hashApiKey(key),
    expires_at: expiresAt,
  });
  return { ...stored, key };
}

/** Whose keys a caller may list and revoke: null means every partner's. */
function keyOwnerScope(user: AuthUser): string | null {
  const role: Role = user.role;
  switch (role) {
    case 'super_admin':
      return null;
    case 'partner':
      return user.id;
    case 'admin':
      throw forbidden();
    default: {
      const unknown: never = role;
      throw forbidden(`Unknown role ${String(unknown)}`);
    }
  }
}

export function listVisibleApiKeys(
  db: Queryable,
  user: AuthUser,
  query: { partner_id?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<ApiKey>> {
  const scope = keyOwnerScope(user);
  // A partner asking for another partner's keys gets an empty list, not someone else's keys.
  const partnerId = scope ?? query.partner_id ?? null;
  if (scope !== null && query.partner_id !== undefined && query.partner_id !== scope) {
    return Promise.resolve({ rows: [], next_cursor: null });
  }
  return listApiKeys(db, partnerId, { limit: query.limit, cursor: query.cursor });
}

/** Revokes a key the caller may see; anyone else's key is a 404, as if it did not exist. */
export async function revokeVisibleApiKey(
  db: Queryable,
  user: AuthUser,
  id: string,
): Promise<ApiKey> {
  const revoked = await revokeApiKey(db, id, keyOwnerScope(user));
  if (!revoked) throw notFound('The API key');
  return revoked;
}

/**
 * The partner a key acts for, with a partner's rights and nothing more. The owner is read with
 * the key on every request, so a revocation, an expiry, a deactivation or a role change stops
 * the key at once.
 *
 * Only unknown keys are counted against the client address; a valid key is not held back by an
 * address over the limit: nobody can guess 190 bits, so the limit is there to stop floods, and
 * counting every valid request would cost each of them a write.
 */
export async function authenticateApiKey(
  db: Queryable,
  key: string,
  clientAddress: string,
  limits: ThrottleLimits,
): Promise<AuthUser> {
  const found = await findPresentedApiKey(db, hashApiKey(key));
  if (!found) return refuseUnknownApiKey(db, limits, clientAddress);
  if (found.revoked) throw unauthenticated('The API key was revoked.');
  if (found.expired) throw unauthenticated('The API key has expired.');
  const { owner } = found;
  if (!owner.is_active) throw unauthenticated('The account is not active.');
  if (owner.role !== 'partner') throw unauthenticated('API keys act for partners only.');
  // Only a sandbox key says so, so a live key's AuthUser (and what is derived from it) keeps its shape.
  return authUserOf(owner, {
    id: found.id,
    name: found.name,
    ...(found.sandbox ? { sandbox: true as const } : {}),
  });
}
