/** Production worker entry: `node dist/src/worker.js`, loading the prebuilt workflow bundle. */
import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { composeWorker } from './composition/worker';
import { createDb } from './db/knex';
import { createLogger } from './logger';
import { tracingFromConfig } from './telemetry/tracing';
import { within } from './temporal/deadline';
import { installTemporalRuntime } from './temporal/runtime';
import { deploymentVersionFrom } from './temporal/worker-deployment';
import { workflowBundleFile } from './temporal/workflow-bundles';

const TRACE_FLUSH_MS = 2000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  installTemporalRuntime(logger, {
    ...(config.WORKER_METRICS_PORT
      ? { metricsAddress: `${config.HOST}:${config.WORKER_METRICS_PORT}` }
      : {}),
  });
  if (!config.isDev && !config.POSTMARK_SERVER_TOKEN) {
    logger.warn('POSTMARK_SERVER_TOKEN is not set: emails are kept in the outbox table, not sent');
  }
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new ConfigError('DATABASE_URL and TEMPORAL_ADDRESS are required to run the worker');
  }
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const tracing = tracingFromConfig(config, 'delivery-worker');
  const distDir = path.resolve(__dirname, '..');
  const bundlePath = path.join(distDir, workflowBundleFile(tracing !== undefined));
  // Versions name built bundles: a worker running workflows from source has no build to name.
  const deploymentVersion = config.isDev ? null : await deploymentVersionFrom(config, distDir);
  const { worker, connection, watchRuns } = await composeWorker(config, {
    logger,
    db,
    address: config.TEMPORAL_ADDRESS,
    workflows: config.isDev ? { kind: 'source' } : { kind: 'bundle', codePath: bundlePath },
    ...(tracing ? { tracing } : {}),
    deploymentVersion,
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, deploymentVersion }, 'worker running');
  const stopWatching = watchRuns();
  let stopRequestedAt: number | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      stopRequestedAt ??= Date.now();
      void stopWatching(); // no new look starts while the worker drains
    });
  // Worker.run() installs its own SIGINT/SIGTERM handlers and drains in-flight tasks.
  try {
    await worker.run();
  } catch (error) {
    const forceMs = config.WORKER_SHUTDOWN_FORCE_SECONDS * 1000;
    if (stopRequestedAt === undefined || Date.now() - stopRequestedAt < forceMs) throw error;
    // The SDK's own error here only says the native worker is still referenced.
    logger.error(
      { err: error },
      `stopped by force: activities still running after the shutdown grace (${config.WORKER_SHUTDOWN_GRACE_SECONDS} s) and force (${config.WORKER_SHUTDOWN_FORCE_SECONDS} s) were abandoned; Temporal retries them on another worker`,
    );
    // The connection and the pool are still held by the abandoned work; the spans can still go.
    await within(TRACE_FLUSH_MS, async () => tracing?.shutdown()).catch(() => undefined);
    process.exit(1);
  }
  await stopWatching();
  await connection.close();
  await db.destroy();
  await tracing?.shutdown();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
