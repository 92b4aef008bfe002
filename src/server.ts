/** Production API entry: `node dist/src/server.js`. Migrations run separately (`npm run migrate`). */
import { AccessTokens } from './accounts/access-tokens';
import { createApp } from './api/app';
import { Drain } from './api/drain';
import { ApiMetrics } from './api/metrics';
import { listen } from './api/listen';
import { ConfigError, loadConfig } from './config';
import { createDb } from './db/knex';
import { createLogger } from './logger';
import { NotificationHub } from './api/notification-stream/hub';
import { tracingFromConfig } from './telemetry/tracing';
import { connectClient } from './temporal/connect';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new ConfigError('DATABASE_URL and TEMPORAL_ADDRESS are required to run the API alone');
  }
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const tracing = tracingFromConfig(config, 'delivery-api');
  const temporal = await connectClient({
    address: config.TEMPORAL_ADDRESS,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    interceptors: tracing?.clientInterceptors,
  });
  const tokens = new AccessTokens(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS);
  const notificationHub = new NotificationHub(config.DATABASE_URL, logger);
  await notificationHub.start();
  const drain = new Drain();
  const metrics = new ApiMetrics();
  const app = createApp({
    config,
    logger,
    db,
    temporal,
    tokens,
    notificationHub,
    drain,
    metrics,
    tracer: tracing?.tracer,
  });
  const server = await listen(app, config.PORT, config.HOST);
  logger.info({ port: config.PORT, host: config.HOST }, 'api listening');
  const stop = async () => {
    const graceMs = config.SHUTDOWN_GRACE_SECONDS * 1000;
    const finished = await drain.stop(server, graceMs);
    if (!finished)
      logger.warn({ graceMs }, 'requests still running at the end of the grace were cut');
    await notificationHub.stop();
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
