import type { Knex } from 'knex';

/**
 * The sandbox (issue 21): a key that creates test deliveries (`dak_test_…`), and the deliveries
 * it created, which admins' lists and counts leave out. False for everything created before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.boolean('sandbox').notNullable().defaultTo(false);
  });
  await knex.schema.alterTable('deliveries', (t) => {
    t.boolean('sandbox').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropColumn('sandbox');
  });
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('sandbox');
  });
}
