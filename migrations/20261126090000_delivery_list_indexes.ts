import type { Knex } from 'knex';

/**
 * Indexes behind the filters of `GET /deliveries` (see `listDeliveries`), measured by
 * `bench/lists.ts` and checked by `test/api/deliveries-list-plans.test.ts`. The role scopes
 * (partner_id, assigned_to) and the unfiltered newest-first walk (created_at, id) were indexed
 * with the table.
 */
const INDEXES: readonly { name: string; definition: string }[] = [
  // Newest first within one status: a status with no rows in scope ("anything unassigned?")
  // otherwise walks every row of the created_at index to answer an empty page.
  { name: 'deliveries_status_created_at_id_index', definition: '(status, created_at, id)' },
  // A date window far from today matches rows the newest-first walk reaches last.
  { name: 'deliveries_delivery_date_index', definition: '(delivery_date)' },
  // `q` is a case-insensitive substring of one column: one trigram index per column, which the
  // planner ORs, so a match never spans two fields. fastupdate off: a search would otherwise
  // also read the pending list (up to 4 MB) until a vacuum merges it.
  ...['product_name', 'delivery_address', 'recipient_name'].map((column) => ({
    name: `deliveries_${column}_trgm_index`,
    definition: `using gin (${column} gin_trgm_ops) with (fastupdate = off)`,
  })),
];

// Built without blocking the workflows that write deliveries; CONCURRENTLY cannot run in a
// transaction, so a rerun first drops what an interrupted build left behind (an invalid index).
export const config = { transaction: false };

async function dropIfInvalid(knex: Knex, name: string): Promise<void> {
  const invalid = await knex.raw<{ rows: unknown[] }>(
    `select 1 from pg_index i join pg_class c on c.oid = i.indexrelid
      where c.relname = ? and c.relnamespace = current_schema()::regnamespace
        and not i.indisvalid`,
    [name],
  );
  if (invalid.rows.length > 0) await knex.raw('drop index concurrently if exists ??', [name]);
}

export async function up(knex: Knex): Promise<void> {
  // Trusted since PostgreSQL 13: the database owner may create it without superuser.
  await knex.raw('create extension if not exists pg_trgm');
  for (const { name, definition } of INDEXES) {
    await dropIfInvalid(knex, name);
    await knex.raw(`create index concurrently if not exists ?? on deliveries ${definition}`, [
      name,
    ]);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const { name } of INDEXES) {
    await knex.raw('drop index concurrently if exists ??', [name]);
  }
  // Fails rather than cascades if something else has come to rely on it.
  await knex.raw('drop extension if exists pg_trgm');
}
