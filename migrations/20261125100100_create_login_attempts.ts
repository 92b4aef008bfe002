import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Login rate limiting lives in Postgres so every API instance sees the same counts.
  await knex.schema.createTable('login_attempts', (t) => {
    t.bigIncrements('id').primary();
    t.text('email_key').notNullable();
    t.text('address').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['email_key', 'created_at']);
    t.index(['address', 'created_at']);
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_attempts');
}
