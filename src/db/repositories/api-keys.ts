import type { Static } from '@sinclair/typebox';
import type { UserRow } from './users';
import type { ApiKey as ApiKeySchema } from '../../schemas/api-keys';
import type { Queryable } from '../knex';
import { ApiKeyModel } from '../models/api-key';
import { newestFirstPage, type Page } from '../pagination';

/** A key as it is listed: never its secret, never its hash. */
export type ApiKey = Static<typeof ApiKeySchema>;

export type NewApiKey = Pick<
  ApiKeyModel,
  'partner_id' | 'name' | 'prefix' | 'key_hash' | 'sandbox'
> & {
  expires_at: string | null;
};

const iso = (value: Date | string | null) =>
  value === null ? null : new Date(value).toISOString();

function toApiKey(row: ApiKeyModel): ApiKey {
  return {
    id: row.id,
    partner_id: row.partner_id,
    name: row.name,
    prefix: row.prefix,
    sandbox: row.sandbox,
    created_at: new Date(row.created_at).toISOString(),
    last_used_at: iso(row.last_used_at),
    expires_at: iso(row.expires_at),
    revoked_at: iso(row.revoked_at),
  };
}

export async function insertApiKey(db: Queryable, key: NewApiKey): Promise<ApiKey> {
  const expiresAt = key.expires_at === null ? null : new Date(key.expires_at);
  const row = await ApiKeyModel.query(db)
    .insert({ ...key, expires_at: expiresAt })
    .returning('*');
  return toApiKey(row as ApiKeyModel);
}

/** Newest first; `partnerId` null lists every partner's keys. */
export async function listApiKeys(
  db: Queryable,
  partnerId: string | null,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<ApiKey>> {
  const query = ApiKeyModel.query(db);
  if (partnerId !== null) query.where('api_keys.partner_id', partnerId);
  const result = await newestFirstPage(query, 'api_keys', page);
  return { rows: result.rows.map(toApiKey), next_cursor: result.next_cursor };
}

/**
 * Revokes the key (of `partnerId`, or of anyone when null) and returns it; a key revoked before
 * keeps its first revocation time. Undefined when there is no such key.
 */
export async function revokeApiKey(
  db: Queryable,
  id: string,
  partnerId: string | null,
): Promise<ApiKey | undefined> {
  const query = ApiKeyModel.query(db)
    .patch({ revoked_at: db.raw('coalesce(revoked_at, now())') as unknown as Date })
    .where('id', id)
    .returning('*');
  if (partnerId !== null) query.where('partner_id', partnerId);
  const rows = (await query) as unknown as ApiKeyModel[];
  return rows[0] && toApiKey(rows[0]);
}

/** The key presented with a request, with its owner as the request must see them. */
export interface PresentedApiKey {
  id: string;
  name: string;
  sandbox: boolean;
  revoked: boolean;
  expired: boolean;
  owner: UserRow;
}

type PresentedRow = UserRow & {
  key_id: ApiKeyModel['id'];
  key_name: ApiKeyModel['name'];
  key_sandbox: ApiKeyModel['sandbox'];
  revoked: boolean;
  expired: boolean;
};

/**
 * Finds the key by its hash and, in the same round trip, records its use: `last_used_at` moves
 * at most once a minute, so a busy integration costs no write on almost every request. Revoked
 * and expired keys are not marked as used. The clock is the database's, as for every expiry.
 */
export async function findPresentedApiKey(
  db: Queryable,
  keyHash: string,
): Promise<PresentedApiKey | undefined> {
  const result = await db.raw<{ rows: PresentedRow[] }>(
    `with touched as (
       update api_keys set last_used_at = now()
        where key_hash = ?
          and revoked_at is null
          and (expires_at is null or expires_at > now())
          and (last_used_at is null or last_used_at < now() - interval '1 minute')
     )
     select k.id as key_id, k.name as key_name, k.sandbox as key_sandbox,
            k.revoked_at is not null as revoked,
            coalesce(k.expires_at <= now(), false) as expired,
            u.id, u.email, u.role, u.first_name, u.last_name, u.is_active, u.email_verified_at,
            u.created_at
       from api_keys k join users u on u.id = k.partner_id
      where k.key_hash = ?`,
    [keyHash, keyHash],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const { key_id, key_name, key_sandbox, revoked, expired, ...owner } = row;
  return { id: key_id, name: key_name, sandbox: key_sandbox, revoked, expired, owner };
}
