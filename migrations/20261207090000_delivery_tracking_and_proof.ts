import type { Knex } from 'knex';

/**
 * A random token (never derived from an id) from PostgreSQL's CSPRNG: two v4 UUIDs, 244 random
 * bits, base64url. The API writes its own (`newTrackingToken`); this default covers rows from
 * before and any writer that has none.
 */
const RANDOM_TOKEN = `translate(encode(decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'), 'base64'), '+/=', '-_')`;

/**
 * What a delivery business runs on: recipient tracking, drop-off windows, proof of delivery and
 * failure codes. The tracking token is replaced on revocation, so the old link matches nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deliveries', (t) => {
    t.text('recipient_email');
    t.timestamp('dropoff_window_start', { useTz: true });
    t.timestamp('dropoff_window_end', { useTz: true });
    t.boolean('proof_required').notNullable().defaultTo(false);
    t.text('failure_reason');
    t.jsonb('proof');
    // A volatile default: each existing row gets a token of its own.
    t.text('tracking_token').notNullable().defaultTo(knex.raw(RANDOM_TOKEN)).unique();
  });
  await knex.schema.alterTable('delivery_events', (t) => {
    // A FAILED change's failure_reason, a COMPLETED change's proof.
    t.jsonb('details');
  });
  await knex.schema.createTable('delivery_attachments', (t) => {
    t.uuid('id').primary();
    t.uuid('delivery_id').notNullable().references('deliveries.id');
    t.uuid('uploaded_by').notNullable().references('users.id');
    t.text('content_type').notNullable();
    t.integer('bytes').notNullable();
    t.text('sha256').notNullable();
    t.text('storage_key').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['delivery_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('delivery_attachments');
  await knex.schema.alterTable('delivery_events', (t) => {
    t.dropColumn('details');
  });
  await knex.schema.alterTable('deliveries', (t) => {
    for (const column of [
      'recipient_email',
      'dropoff_window_start',
      'dropoff_window_end',
      'proof_required',
      'failure_reason',
      'proof',
      'tracking_token',
    ]) {
      t.dropColumn(column);
    }
  });
}
