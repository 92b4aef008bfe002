import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Which API key made the change (null for a signed-in user or an operator), for the timeline.
  await knex.schema.alterTable('delivery_events', (t) => {
    t.uuid('actor_api_key_id').references('api_keys.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('delivery_events', (t) => {
    t.dropColumn('actor_api_key_id');
  });
}
