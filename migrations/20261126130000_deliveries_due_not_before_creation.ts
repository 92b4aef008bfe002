import type { Knex } from 'knex';

/**
 * A delivery is due on or after the day it was created: the API refuses a past `delivery_date`
 * (today in UTC or later), and the list relies on it to start a `date_to` walk at that date
 * instead of today (see `listDeliveries`). One day of slack: the API checks the date a moment
 * before it stamps `created_at`, and midnight may fall in between.
 */
const NAME = 'deliveries_due_not_before_creation_check';

// Added NOT VALID (a brief lock) and validated in its own statement, which scans the table
// without blocking the workflows that write deliveries.
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  const existing = await knex.raw<{ rows: unknown[] }>(
    `select 1 from pg_constraint where conname = ? and conrelid = 'deliveries'::regclass`,
    [NAME],
  );
  if (existing.rows.length === 0) {
    await knex.raw(
      `alter table deliveries add constraint ??
         check (delivery_date >= (created_at at time zone 'UTC')::date - 1) not valid`,
      [NAME],
    );
  }
  await knex.raw('alter table deliveries validate constraint ??', [NAME]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table deliveries drop constraint if exists ??', [NAME]);
}
