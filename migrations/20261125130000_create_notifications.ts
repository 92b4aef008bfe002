import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notifications', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    // Monotonic across the table, so per user too: the SSE `id:` and the Last-Event-ID resume key.
    t.bigIncrements('seq', { primaryKey: false }).unique();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('type').notNullable();
    t.text('title').notNullable();
    t.text('message').notNullable();
    // No foreign key: a notification outlives whatever happens to the read model.
    t.uuid('delivery_id');
    // `<eventKey>:<recipientId>`: an activity retry finds the row and inserts nothing.
    t.text('event_key').notNullable().unique();
    t.timestamp('read_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'seq']);
    t.index(['user_id', 'created_at', 'id']);
  });
  await knex.raw(
    'create index notifications_unread_idx on notifications (user_id, created_at, id) where read_at is null',
  );
  await knex.schema.createTable('notification_stream_tickets', (t) => {
    t.text('ticket_hash').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notification_stream_tickets');
  await knex.schema.dropTable('notifications');
}
