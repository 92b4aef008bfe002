import { raw, type Model, type QueryBuilder } from 'objection';
import { ValidationError } from '../domain/errors';

/** Opaque to clients: base64url of the last row's sort keys. */
export function encodeCursor(keys: readonly string[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

const badCursor = () =>
  new ValidationError('The request query is invalid.', [
    { field: 'cursor', message: 'is not a cursor this endpoint issued' },
  ]);

/** Decodes a cursor made by `encodeCursor` with `arity` keys, or throws a 400 naming `cursor`. */
export function decodeCursor(cursor: string, arity: number): string[] {
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    keys = undefined;
  }
  if (
    !Array.isArray(keys) ||
    keys.length !== arity ||
    !keys.every((k) => typeof k === 'string' && k.length <= 200)
  ) {
    throw badCursor();
  }
  return keys as string[];
}

export interface Page<T> {
  rows: T[];
  next_cursor: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A real instant PostgreSQL accepts: the shape alone lets 2023-02-29, 25:00 or year 0000 through. */
function isSortTimestamp(ts: string): boolean {
  if (!TIMESTAMP.test(ts) || ts < '0001') return false;
  const millis = `${ts.slice(0, 23)}Z`;
  const parsed = new Date(millis);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === millis;
}
// Microseconds matter: a JS Date would round created_at to milliseconds and skip or repeat rows.
const SORT_TS = `to_char(??.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export type SortOrder = 'newest' | 'oldest';

/**
 * Keyset pagination on `(created_at, id)` of `table` (which needs both columns), newest first
 * unless `order` is 'oldest'. Fetches one row more than `limit` to know whether there is a next
 * page. A btree index on the pair serves either direction.
 */
export async function keysetPage<M extends Model>(
  query: QueryBuilder<M, M[]>,
  table: string,
  page: { limit: number; cursor?: string | undefined; order?: SortOrder | undefined },
): Promise<Page<M>> {
  const oldest = page.order === 'oldest';
  query.select(`${table}.*`, raw(`${SORT_TS} as sort_ts`, [table]));
  if (page.cursor !== undefined) {
    const [ts, id] = decodeCursor(page.cursor, 2) as [string, string];
    if (!isSortTimestamp(ts) || !UUID.test(id)) throw badCursor();
    query.whereRaw(`(??.created_at, ??.id) ${oldest ? '>' : '<'} (?::timestamptz, ?::uuid)`, [
      table,
      table,
      ts,
      id,
    ]);
  }
  const direction = oldest ? 'asc' : 'desc';
  const rows = await query
    .orderBy(`${table}.created_at`, direction)
    .orderBy(`${table}.id`, direction)
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const kept = more ? rows.slice(0, page.limit) : rows;
  const last = kept[kept.length - 1] as unknown as { sort_ts: string; id: string } | undefined;
  return { rows: kept, next_cursor: more && last ? encodeCursor([last.sort_ts, last.id]) : null };
}

/** Keyset pagination newest first on `(created_at, id)` of `table`. */
export const newestFirstPage = <M extends Model>(
  query: QueryBuilder<M, M[]>,
  table: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<M>> => keysetPage(query, table, page);

/** `text` as a case-insensitive substring pattern for ILIKE, its own `\`, `%` and `_` literal. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;
