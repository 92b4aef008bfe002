import type { Knex } from 'knex';

/**
 * Bulk creates: a batch a partner submitted (its id follows from the partner and the batch key,
 * so a repeat finds it) and its items, each with the request as sent and, once the batch
 * workflow has tried it, its outcome: the delivery created or replayed, or the problem.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('delivery_batches', (t) => {
    t.uuid('id').primary();
    t.uuid('partner_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('workflow_id').notNullable().unique();
    t.text('payload_hash').notNullable();
    t.uuid('actor_api_key_id');
    t.integer('total').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
  });
  await knex.schema.createTable('delivery_batch_items', (t) => {
    t.uuid('batch_id').notNullable().references('delivery_batches.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('idempotency_key').notNullable();
    t.jsonb('request').notNullable();
    // null until tried: created, replayed or failed.
    t.text('outcome');
    t.uuid('delivery_id');
    t.jsonb('problem');
    t.primary(['batch_id', 'position']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('delivery_batch_items');
  await knex.schema.dropTable('delivery_batches');
}
