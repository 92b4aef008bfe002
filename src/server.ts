/** Production API entry: `node dist/src/server.js`. Migrations run separately (`npm run migrate`). */
import { listen } from './api/listen';
import { composeApi, connectDeliveryClient } from './composition/api';
import { ConfigError, loadConfig } from './config';
import { createDb } from './db/knex';
import { createLogger } from './logger';
import { tracingFromConfig } from './telemetry/tracing';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new ConfigError('DATABASE_URL and TEMPORAL_ADDRESS are required to run the API alone');
  }
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const tracing = tracingFromConfig(config, 'delivery-api');
  const temporal = await connectDeliveryClient(config, config.TEMPORAL_ADDRESS, tracing);
  const api = await composeApi(config, {
    logger,
    db,
    databaseUrl: config.DATABASE_URL,
    temporal,
    ...(tracing ? { tracing } : {}),
  });
  const server = await listen(api.app, config.PORT, config.HOST);
  logger.info({ port: config.PORT, host: config.HOST }, 'api listening');
  const stop = async () => {
    const graceMs = config.SHUTDOWN_GRACE_SECONDS * 1000;
    const finished = await api.deps.drain.stop(server, graceMs);
    if (!finished)
      logger.warn({ graceMs }, 'requests still running at the end of the grace were cut');
    await api.close();
    await temporal.connection.close();
    await db.destroy();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
