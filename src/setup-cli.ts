/**
 * Production setup, run once per deploy before the API and worker start (`npm run migrate`, or
 * `node dist/src/setup-cli.js`): database migrations, the super admin bootstrap and the Temporal
 * search attributes. Every step is idempotent. With TEMPORAL_UI_URL it prints the ops views' links.
 */
import { bootstrapSuperAdmin } from './accounts/bootstrap-super-admin';
import { ConfigError, loadConfig } from './config';
import { CLI_POOL_MAX, createDb, migrateToLatest } from './db/knex';
import { createLogger } from './logger';
import { connectClient, ensureSearchAttributes } from './temporal/connect';
import { opsViewLines } from './temporal/ops-views';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'setup');
  if (!config.DATABASE_URL) throw new ConfigError('DATABASE_URL is required for setup');
  const db = createDb(config.DATABASE_URL, CLI_POOL_MAX);
  try {
    const applied = await migrateToLatest(db);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database up to date');
    await bootstrapSuperAdmin(db, config, logger);
  } finally {
    await db.destroy();
  }
  if (config.TEMPORAL_ADDRESS) {
    const client = await connectClient({
      address: config.TEMPORAL_ADDRESS,
      namespace: config.TEMPORAL_NAMESPACE,
    });
    await ensureSearchAttributes(client);
    await client.connection.close();
    logger.info('temporal search attributes registered');
  }
  if (config.TEMPORAL_UI_URL) {
    const today = new Date().toISOString().slice(0, 10);
    console.log(
      [
        'Ops views in the Temporal UI:',
        ...opsViewLines(config.TEMPORAL_UI_URL, config.TEMPORAL_NAMESPACE, today),
      ].join('\n'),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
