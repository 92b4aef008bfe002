import type { Knex } from 'knex';

/**
 * The webhook log a partner reads and replays from: what each attempt sent and heard back, how
 * long it took, when Temporal tries again; and an endpoint's run of failures, which disables it
 * after 24 hours. Attempts recorded before this have no payload and cannot be replayed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_attempts', (t) => {
    // json, not jsonb: a replay sends the very text that was sent, keys in their order.
    t.json('payload');
    t.text('response_excerpt');
    t.integer('duration_ms');
    t.timestamp('next_retry_at', { useTz: true });
    t.uuid('replay_of').references('webhook_attempts.id').onDelete('SET NULL');
    // The super admin's log lists every partner's attempts newest first.
    t.index(['created_at', 'id']);
  });
  await knex.schema.alterTable('webhook_endpoints', (t) => {
    // The first failure since the last success; null while the endpoint answers.
    t.timestamp('failing_since', { useTz: true });
    t.timestamp('disabled_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_endpoints', (t) => {
    t.dropColumn('failing_since');
    t.dropColumn('disabled_at');
  });
  await knex.schema.alterTable('webhook_attempts', (t) => {
    t.dropIndex(['created_at', 'id']);
    t.dropColumn('replay_of');
    t.dropColumn('next_retry_at');
    t.dropColumn('duration_ms');
    t.dropColumn('response_excerpt');
    t.dropColumn('payload');
  });
}
