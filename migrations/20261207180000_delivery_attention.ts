import type { Knex } from 'knex';

/**
 * A delivery whose workflow an operator left disagreeing with its row (a Terminate while it was
 * open, a reset of a finished one) is flagged for super admins: `attention` says what happened,
 * since when and who can fix it; the next event the workflow records clears it. Schema only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliveries', (t) => {
    t.jsonb('attention');
  });
  await knex.raw(
    `create index if not exists deliveries_attention_idx on deliveries (created_at desc, id desc)
       where attention is not null`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists deliveries_attention_idx');
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropColumn('attention');
  });
}
