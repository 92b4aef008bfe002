import type { Client } from '@temporalio/client';
import type Koa from 'koa';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { activityDepsFrom, type ActivityDeps } from '../../src/activities';
import type { AppDeps } from '../../src/api/deps';
import { composeApi, connectDeliveryClient } from '../../src/composition/api';
import { composeWorker } from '../../src/composition/worker';
import { loadConfig, type Config } from '../../src/config';
import { createDb, migrateToLatest, type Db } from '../../src/db/knex';
import { EMBEDDED_CREDENTIALS } from '../../src/dev/database-url';
import { startEmbeddedPostgres } from '../../src/dev/embedded-postgres';
import { ensureTemporalCli } from '../../src/dev/temporal-cli';
import { startTemporalDevServer } from '../../src/dev/temporal-dev-server';
import { createLogger } from '../../src/logger';
import { ensureSearchAttributes } from '../../src/temporal/connect';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { freePort } from './free-port';
import { startTemporalCluster } from './temporal-cluster';

/** One real PostgreSQL and one real Temporal dev server for the whole test run. */
export interface TestStack {
  config: Config;
  db: Db;
  client: Client;
  deps: AppDeps;
  /** What the shared worker's activities were built from; extra test workers start from it. */
  activityDeps: ActivityDeps;
  app: Koa;
  cliPath: string;
  databaseUrl: string;
  temporalAddress: string;
  /** The dev server's web UI (null on the cluster): browser tests press its buttons. */
  temporalUiUrl: string | null;
  taskQueue: string;
}

let current: TestStack | undefined;
const stops: (() => Promise<unknown>)[] = [];

export function stack(): TestStack {
  if (!current) throw new Error('The test stack is not running (see test/support/global-hooks.ts)');
  return current;
}

export interface StackOptions {
  /** Run the delivery worker in this process (default); the bench runs it as its own process. */
  inProcessWorker?: boolean;
  /**
   * The dev server (default), or Temporal's server as a cluster of four processes on the stack's
   * PostgreSQL (test/support/temporal-cluster.ts): the bench's production shape.
   */
  temporal?: 'dev-server' | 'cluster';
}

/** Temporal's server as a cluster on the stack's PostgreSQL, stopped before it (stops run last first). */
async function startCluster(tmp: string, pgPort: number): Promise<string> {
  const cluster = await startTemporalCluster({
    dir: tmp,
    postgres: { port: pgPort, ...EMBEDDED_CREDENTIALS },
    namespace: 'default',
  });
  stops.push(cluster.stop);
  return cluster.address;
}

export async function startStack({
  inProcessWorker = true,
  temporal: temporalKind = 'dev-server',
}: StackOptions = {}): Promise<TestStack> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'delivery-test-'));
  stops.push(() => rm(tmp, { recursive: true, force: true }));
  // embedded-postgres runs as an unprivileged user when we are root; it must reach the folder.
  await chmod(tmp, 0o755);

  const cli = await ensureTemporalCli();
  const [pgPort, temporalPort, uiPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const devServer =
    temporalKind === 'dev-server'
      ? startTemporalDevServer({
          cliPath: cli.path,
          port: temporalPort,
          uiPort,
          dbFile: null,
          namespace: 'default',
        })
      : undefined;
  if (devServer) stops.push(devServer.stop);
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(tmp, 'postgres'),
    port: pgPort,
    database: 'deliveries_test',
    persistent: false,
  });
  stops.push(pg.stop);
  const temporal = { address: devServer?.address ?? (await startCluster(tmp, pgPort)) };

  const taskQueue = `test-deliveries-${process.pid}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: tmp,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    // Tests run webhook receivers on 127.0.0.1; the SSRF tests turn this off explicitly.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    // Tests give each client its own address through X-Forwarded-For (login limits per address).
    TRUST_PROXY: 'true',
    // Tests stop their workers at once, as before the production grace existed.
    WORKER_SHUTDOWN_GRACE_SECONDS: '0',
    // Every suite's tracking requests come from 127.0.0.1; the rate-limit test builds its own app.
    TRACKING_RATE_LIMIT_PER_MINUTE: '1000000',
    // The benchmark's storms come from one partner; the request-limit test builds its own app.
    RATE_LIMIT_PER_KEY: '1000000',
    RATE_LIMIT_PER_PARTNER: '1000000',
    // Headroom for a loaded 2-core machine; the outage tests set their own short deadline.
    TEMPORAL_UPDATE_TIMEOUT_MS: '30000',
    // Suites fire bursts from one caller on a loaded machine; admission has tests of its own
    // (test/unit/admission.test.ts, test/api/admission.test.ts) and the bench's capacity phase.
    ADMISSION_MAX_IN_FLIGHT: '0',
  });
  const logger = createLogger(config.LOG_LEVEL, 'test');
  installTemporalRuntime(logger, { ownSignals: true });
  const db = createDb(pg.url, config.DATABASE_POOL_MAX);
  stops.push(() => db.destroy());
  await migrateToLatest(db);

  const client = await connectDeliveryClient(config, temporal.address);
  stops.push(() => client.connection.close());
  await ensureSearchAttributes(client);

  const activityDeps = activityDepsFrom(config, db, logger, client);
  if (inProcessWorker) {
    const worker = await composeWorker(config, {
      logger,
      db,
      address: temporal.address,
      workflows: { kind: 'source' },
    });
    stops.push(worker.runInBackground());
  }

  const { app, deps, close } = await composeApi(config, {
    logger,
    db,
    databaseUrl: pg.url,
    temporal: client,
  });
  stops.push(close);
  current = {
    config,
    db,
    client,
    deps,
    activityDeps,
    app,
    cliPath: cli.path,
    databaseUrl: pg.url,
    temporalAddress: temporal.address,
    temporalUiUrl: devServer?.uiUrl ?? null,
    taskQueue,
  };
  return current;
}

export async function stopStack(): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  stops.length = 0;
  current = undefined;
}
