import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('email_messages', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // The caller's stable key: an activity retry or a workflow replay finds the same row.
    t.text('key').notNullable().unique();
    t.text('to_address').notNullable();
    t.text('subject').notNullable();
    t.text('text_body').notNullable();
    t.text('html_body').notNullable();
    t.text('tag').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.integer('error_code');
    t.text('provider_message_id');
    t.timestamp('sent_at', { useTz: true });
    t.timestamps(true, true);
    t.check("status in ('pending', 'sent', 'failed', 'outbox')");
    t.index(['status', 'created_at']);
    t.index(['to_address', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('email_messages');
}
