import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Partner API keys: only the SHA-256 of the secret is kept (see docs/architecture.md).
  await knex.schema.createTable('api_keys', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('partner_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    // The first characters of the key, so a partner can tell which key is which.
    t.text('prefix').notNullable();
    t.text('key_hash').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.index(['partner_id', 'created_at', 'id']);
    t.index(['created_at', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_keys');
}
