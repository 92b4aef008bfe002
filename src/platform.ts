/**
 * `npm run dev`: the whole platform in one process tree, with embedded defaults.
 * Starts PostgreSQL (unless DATABASE_URL) and the Temporal dev server with its UI (unless
 * TEMPORAL_ADDRESS), migrates, bootstraps the super admin, then runs the worker and the API.
 * SIGINT/SIGTERM stop everything in reverse order. Supervisors should run this file with
 * `node --require tsx/cjs src/platform.ts` directly: npm does not forward SIGTERM.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { bootstrapSuperAdmin } from './accounts/bootstrap-super-admin';
import { listen } from './api/listen';
import { composeApi, connectDeliveryClient } from './composition/api';
import { composeWorker } from './composition/worker';
import { ConfigError, loadConfig } from './config';
import { createDb, migrateToLatest } from './db/knex';
import { DEV_DATABASE } from './dev/database-url';
import { startEmbeddedPostgres } from './dev/embedded-postgres';
import { ensureTemporalCli } from './dev/temporal-cli';
import { startTemporalDevServer } from './dev/temporal-dev-server';
import { createLogger } from './logger';
import { tracingFromConfig } from './telemetry/tracing';
import { ensureSearchAttributes } from './temporal/connect';
import { opsViewLines } from './temporal/ops-views';
import { installTemporalRuntime } from './temporal/runtime';

type Stop = { name: string; stop: () => Promise<unknown> };

async function main(): Promise<void> {
  const config = loadConfig(process.env, 'development');
  const logger = createLogger(config.LOG_LEVEL, 'platform');
  const stops: Stop[] = [];
  let stopping = false;
  const shutdown = async (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the platform');
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
        logger.info(`${name} stopped`);
      } catch (error) {
        logger.error({ err: error }, `${name} did not stop cleanly`);
      }
    }
    process.exit(exitCode);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // embedded-postgres installs an exit hook that stops Postgres and exits at once on a signal,
    // racing the orderly shutdown below (API, then worker, then Temporal, then Postgres).
    process.removeAllListeners(signal);
    process.once(signal, () => void shutdown(signal));
  }

  try {
    await mkdir(config.DATA_DIR, { recursive: true });

    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(config.DATA_DIR, 'postgres'),
        port: config.PG_PORT,
        database: DEV_DATABASE,
        persistent: true,
        log: (line) => logger.debug({ component: 'postgres' }, line),
      });
      stops.push({ name: 'postgres', stop: pg.stop });
      databaseUrl = pg.url;
    }

    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUi: string | null = null;
    let temporalFailed: Promise<never> | null = null;
    if (!temporalAddress) {
      const cli = await ensureTemporalCli({ log: (msg) => logger.info(msg) });
      const server = startTemporalDevServer({
        cliPath: cli.path,
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFile: path.join(config.DATA_DIR, 'temporal.sqlite'),
        namespace: config.TEMPORAL_NAMESPACE,
        log: (line) => logger.debug({ component: 'temporal' }, line),
      });
      stops.push({ name: 'temporal', stop: server.stop });
      temporalAddress = server.address;
      temporalUi = server.uiUrl;
      temporalFailed = server.failed;
    }

    const db = createDb(databaseUrl, config.DATABASE_POOL_MAX);
    stops.push({ name: 'database pool', stop: () => db.destroy() });
    const applied = await migrateToLatest(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const superAdmin = await bootstrapSuperAdmin(db, config, logger);

    const tracing = tracingFromConfig(config, 'delivery-platform');
    if (tracing) stops.push({ name: 'tracing', stop: () => tracing.shutdown() });
    const connecting = connectDeliveryClient(config, temporalAddress, tracing);
    const client = await (temporalFailed ? Promise.race([connecting, temporalFailed]) : connecting);
    stops.push({ name: 'temporal client', stop: () => client.connection.close() });
    await ensureSearchAttributes(client);

    installTemporalRuntime(logger, { ownSignals: true });
    const traced = tracing ? { tracing } : {};
    const worker = await composeWorker(config, {
      logger,
      db,
      address: temporalAddress,
      workflows: { kind: 'source' },
      ...traced,
    });
    stops.push({ name: 'worker', stop: worker.runInBackground() });

    // The console links each delivery to its workflow in the dev server's UI, as ops' would.
    const apiConfig =
      temporalUi && !config.TEMPORAL_UI_URL ? { ...config, TEMPORAL_UI_URL: temporalUi } : config;
    const api = await composeApi(apiConfig, {
      logger,
      db,
      databaseUrl,
      temporal: client,
      ...traced,
    });
    stops.push({ name: 'notification hub', stop: () => api.close() });
    const server = await listen(api.app, config.PORT, config.HOST);
    stops.push({
      name: 'api',
      stop: () => api.deps.drain.stop(server, config.SHUTDOWN_GRACE_SECONDS * 1000),
    });

    const port = (server.address() as AddressInfo).port;
    const opsUi = temporalUi ?? config.TEMPORAL_UI_URL ?? null;
    const url = `http://localhost:${port}`;
    console.log(
      [
        '',
        'Delivery platform is running.',
        `  API          ${url}/api/v1`,
        `  Swagger UI   ${url}/api/v1/docs`,
        `  Console      ${url}/console`,
        `  Temporal UI  ${temporalUi ?? `(external Temporal at ${temporalAddress})`}`,
        superAdmin
          ? `  Super admin  ${superAdmin.email} / ${config.SUPERADMIN_PASSWORD ? '(SUPERADMIN_PASSWORD)' : superAdmin.password}`
          : '  Super admin  (not bootstrapped: set SUPERADMIN_EMAIL and SUPERADMIN_PASSWORD)',
        ...(opsUi
          ? [
              '  Ops views in the Temporal UI:',
              ...opsViewLines(
                opsUi,
                config.TEMPORAL_NAMESPACE,
                new Date().toISOString().slice(0, 10),
              ),
            ]
          : []),
        '  Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else logger.fatal({ err: error }, 'the platform failed to start');
    await shutdown('startup-failure', 1);
  }
}

void main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
