import type { Knex } from 'knex';

/**
 * One trigram index answers `q` (see `listDeliveries`) in place of one per column. pg_trgm splits
 * text into words at spaces and punctuation, so a phrase of common words ("Road, Main") matched
 * every row holding both words, each rechecked in the heap. Here spaces and commas become the
 * letter q before the trigrams are taken, so the trigrams span them ("d, M" gives "dqq", "qqm")
 * and the phrase itself is looked up. The search text only narrows the candidates: it joins the
 * columns and maps characters, so the list keeps the exact per-column match as a filter.
 *
 * Both functions are immutable; changing either one means a new migration that rebuilds the
 * index.
 */
const FUNCTIONS = [
  `create or replace function delivery_search_key(text) returns text
     language sql immutable strict parallel safe
     return replace(replace($1, ' ', 'q'), ',', 'q')`,
  `create or replace function delivery_search_text(product text, address text, recipient text)
     returns text language sql immutable parallel safe
     return delivery_search_key(product || ' ' || address || ' ' || coalesce(recipient, ''))`,
];
const SEARCH_INDEX = {
  name: 'deliveries_search_trgm_index',
  definition:
    'using gin (delivery_search_text(product_name, delivery_address, recipient_name) gin_trgm_ops)' +
    ' with (fastupdate = off)',
};
// What 20261126090000_delivery_list_indexes built for `q`; `down` puts them back.
const COLUMN_INDEXES = ['product_name', 'delivery_address', 'recipient_name'].map((column) => ({
  name: `deliveries_${column}_trgm_index`,
  definition: `using gin (${column} gin_trgm_ops) with (fastupdate = off)`,
}));

// Built without blocking the workflows that write deliveries; CONCURRENTLY cannot run in a
// transaction, so a rerun first drops what an interrupted build left behind (an invalid index).
export const config = { transaction: false };

const dropIndex = (knex: Knex, name: string) =>
  knex.raw('drop index concurrently if exists ??', [name]);

async function createIndex(knex: Knex, { name, definition }: typeof SEARCH_INDEX): Promise<void> {
  const found = await knex.raw<{ rows: { valid: boolean }[] }>(
    'select indisvalid as valid from pg_index where indexrelid = to_regclass(?)',
    [name],
  );
  if (found.rows[0]?.valid === false) await dropIndex(knex, name);
  await knex.raw(`create index concurrently if not exists ?? on deliveries ${definition}`, [name]);
}

export async function up(knex: Knex): Promise<void> {
  for (const sql of FUNCTIONS) await knex.raw(sql);
  await createIndex(knex, SEARCH_INDEX);
  for (const { name } of COLUMN_INDEXES) await dropIndex(knex, name);
  // Statistics of the indexed expression, without which the planner guesses how many rows a `q`
  // matches; autovacuum would gather them only after a tenth of the table has changed.
  await knex.raw('analyze deliveries');
}

export async function down(knex: Knex): Promise<void> {
  for (const index of COLUMN_INDEXES) await createIndex(knex, index);
  await dropIndex(knex, SEARCH_INDEX.name);
  await knex.raw('drop function if exists delivery_search_text(text, text, text)');
  await knex.raw('drop function if exists delivery_search_key(text)');
}
