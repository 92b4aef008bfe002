import type { Knex } from 'knex';

/**
 * Finer statistics for the search text of `q` (20261126130100_delivery_search_index). The planner
 * reads how many rows a `q` matches off a histogram of sampled search texts; at the default 100
 * bins, a product in one delivery of a thousand still filled a whole bin (1%), so the planner
 * walked newest first through most of the table for a page of it (27 ms instead of 0.5 ms at
 * 100,000 rows). At 1,000 bins the estimate is 0.1% and the index answers.
 */
const INDEX = 'deliveries_search_trgm_index';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter index ?? alter column 1 set statistics 1000', [INDEX]);
  await knex.raw('analyze deliveries');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter index ?? alter column 1 set statistics -1', [INDEX]);
}
