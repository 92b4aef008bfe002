import type { Knex } from 'knex';

/**
 * Who the delivery was assigned to once each event happened, so the timeline can say "Assigned
 * to Ann Admin by Sam Super" and a reassignment names both ends. Null on events recorded before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('delivery_events', (t) => {
    t.uuid('assigned_to');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('delivery_events', (t) => {
    t.dropColumn('assigned_to');
  });
}
