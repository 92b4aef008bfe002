import type { Knex } from 'knex';

/**
 * The sandbox's simulated courier (src/domain/sandbox.ts): the admin sandbox deliveries are
 * assigned to. Inactive, with no usable password, so nobody signs in as it and no admin list or
 * workload shows it. Data only (the columns came with 20261207170000_sandbox); safe to rerun.
 */
const COURIER_ID = '00000000-0000-4000-8000-5a4db0c0e71e';

export async function up(knex: Knex): Promise<void> {
  await knex('users')
    .insert({
      id: COURIER_ID,
      email: 'sandbox-courier@sandbox.invalid',
      password_hash: '!',
      role: 'admin',
      first_name: 'Sandbox',
      last_name: 'Courier',
      is_active: false,
    })
    .onConflict('id')
    .ignore();
}

export async function down(knex: Knex): Promise<void> {
  await knex('users').where({ id: COURIER_ID }).delete();
}
