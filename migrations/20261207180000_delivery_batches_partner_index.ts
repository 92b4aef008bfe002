import type { Knex } from 'knex';

/**
 * `GET /deliveries/batches` reads a partner's batches newest first, a keyset page at a time
 * (created_at, id): this index answers it without sorting every batch of every partner.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'create index if not exists delivery_batches_partner_created_index on delivery_batches (partner_id, created_at desc, id desc)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists delivery_batches_partner_created_index');
}
