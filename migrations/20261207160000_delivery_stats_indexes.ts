import type { Knex } from 'knex';

/**
 * Indexes behind `GET /deliveries/stats` (src/db/repositories/deliveries/stats.ts): the events
 * that end a delivery and the first assignments, by time, so the last 30 days are read without
 * walking a history of every delivery. Partial: their predicates are the repository's, word
 * for word; covering (INCLUDE), so the events are read from the index alone. Measured by
 * bench/stats.ts.
 */
const INDEXES: readonly { name: string; definition: string }[] = [
  {
    name: 'delivery_events_finished_at_index',
    definition:
      "(at) include (delivery_id, to_status) where type in ('status_changed', 'cancelled') and to_status in ('COMPLETED', 'FAILED', 'CANCELLED')",
  },
  {
    name: 'delivery_events_first_assignment_at_index',
    definition: "(at) include (delivery_id) where type = 'assigned' and from_status = 'CREATED'",
  },
];

// Built without blocking the workflows that write events; CONCURRENTLY cannot run in a
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
  for (const { name, definition } of INDEXES) {
    await dropIfInvalid(knex, name);
    await knex.raw(`create index concurrently if not exists ?? on delivery_events ${definition}`, [
      name,
    ]);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const { name } of INDEXES) {
    await knex.raw('drop index concurrently if exists ??', [name]);
  }
}
