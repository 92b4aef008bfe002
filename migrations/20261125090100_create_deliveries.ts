import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deliveries', (t) => {
    t.uuid('id').primary();
    t.text('workflow_id').notNullable();
    t.text('idempotency_key').notNullable().unique();
    t.text('payload_hash').notNullable();
    t.text('status').notNullable();
    t.uuid('partner_id').notNullable().references('users.id');
    t.uuid('assigned_to').references('users.id');
    t.text('product_name').notNullable();
    t.text('delivery_address').notNullable();
    t.date('delivery_date').notNullable();
    t.text('recipient_name');
    t.text('recipient_phone');
    t.text('notes');
    t.timestamps(true, true);
    t.check("status in ('CREATED', 'ASSIGNED', 'IN_TRANSIT', 'COMPLETED', 'FAILED', 'CANCELLED')");
    t.index(['partner_id', 'created_at', 'id']);
    t.index(['assigned_to', 'created_at', 'id']);
    t.index(['created_at', 'id']);
  });
  await knex.schema.createTable('delivery_events', (t) => {
    t.bigIncrements('seq').primary();
    t.uuid('delivery_id').notNullable().references('deliveries.id');
    // Derived from the workflow's history so an activity retry cannot insert an event twice.
    t.text('event_key').notNullable().unique();
    t.text('type').notNullable();
    t.text('from_status');
    t.text('to_status').notNullable();
    t.uuid('actor_id');
    t.text('reason');
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['delivery_id', 'seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('delivery_events');
  await knex.schema.dropTable('deliveries');
}
