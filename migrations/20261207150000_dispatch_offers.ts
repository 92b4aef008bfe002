import type { Knex } from 'knex';

/**
 * Offers and auto-dispatch (issue 20): an admin's availability and capacity, the platform's one
 * row of dispatch settings, every offer a delivery's workflow made, and when a delivery came
 * back to the unassigned queue for a human. Schema only: the settings row's defaults are the
 * repository's, read when the row is absent.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('available').notNullable().defaultTo(true);
    // At most this many open deliveries plus pending offers; null: no limit.
    t.integer('capacity');
    t.timestamp('last_offered_at', { useTz: true });
  });
  await knex.schema.raw(
    'alter table users add constraint users_capacity_not_negative check (capacity >= 0)',
  );
  await knex.schema.createTable('dispatch_settings', (t) => {
    // One row: the primary key can only be true.
    t.boolean('id').primary().defaultTo(true);
    t.text('mode').notNullable();
    t.integer('offer_timeout_seconds').notNullable();
    t.integer('max_offers').notNullable();
    t.uuid('updated_by').references('users.id').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.raw(
    `alter table dispatch_settings add constraint dispatch_settings_one_row check (id),
       add constraint dispatch_settings_mode check (mode in ('manual', 'auto'))`,
  );
  await knex.schema.createTable('delivery_offers', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('delivery_id').notNullable().references('deliveries.id');
    t.uuid('admin_id').notNullable().references('users.id');
    // The offer's place in its delivery's sequence (1, 2, …): a retried offer inserts nothing.
    t.integer('number').notNullable();
    t.text('status').notNullable();
    t.text('reason');
    t.timestamp('offered_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('answered_at', { useTz: true });
    t.unique(['delivery_id', 'number']);
    // Never the same admin twice for one delivery.
    t.unique(['delivery_id', 'admin_id']);
    t.index(['admin_id', 'status']);
  });
  await knex.schema.raw(
    `alter table delivery_offers add constraint delivery_offers_status
       check (status in ('pending', 'accepted', 'declined', 'expired', 'withdrawn'))`,
  );
  await knex.schema.alterTable('deliveries', (t) => {
    // Auto-dispatch found nobody (or ran out of offers): the delivery waits for a super admin.
    t.timestamp('returned_to_queue_at', { useTz: true });
  });
  // The super admins' list of deliveries handed back (few, newest first).
  await knex.schema.raw(
    `create index deliveries_returned_to_queue on deliveries (created_at desc, id desc)
       where returned_to_queue_at is not null and status = 'CREATED'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.raw('drop index if exists deliveries_returned_to_queue');
  await knex.schema.alterTable('deliveries', (t) => {
    t.dropColumn('returned_to_queue_at');
  });
  await knex.schema.dropTable('delivery_offers');
  await knex.schema.dropTable('dispatch_settings');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('last_offered_at');
    t.dropColumn('capacity');
    t.dropColumn('available');
  });
}
