import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/dev/embedded-postgres';
import { ensureTemporalCli } from '../../src/dev/temporal-cli';
import { startTemporalDevServer, type RunningTemporal } from '../../src/dev/temporal-dev-server';
import { freePort } from './free-port';

/**
 * A PostgreSQL and a Temporal dev server on loopback for processes started outside the test
 * process (containers, the production build), each stoppable and restartable on its own data:
 * PostgreSQL keeps its cluster, Temporal its SQLite file.
 */
export interface LoopbackInfra {
  databaseUrl: string;
  temporalAddress: string;
  /** The folder holding both data sets (removed by `close`). */
  dir: string;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  stopTemporal(): Promise<void>;
  startTemporal(): void;
  close(): Promise<void>;
}

/**
 * What every production process (NODE_ENV unset: `dist/src/*.js`, the image) started against
 * `infra` is given: a task queue of its own run, a fresh JWT secret shared by the processes,
 * loopback only and quiet logs. Callers add their own (PORT, the super admin, Postmark).
 */
export function productionEnv(infra: LoopbackInfra, queuePrefix: string): Record<string, string> {
  return {
    DATABASE_URL: infra.databaseUrl,
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_TASK_QUEUE: `${queuePrefix}-${randomUUID()}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
}

export async function startLoopbackInfra(database = 'deliveries'): Promise<LoopbackInfra> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'loopback-infra-'));
  // embedded-postgres runs as an unprivileged user when we are root; it must reach the folder.
  await chmod(dir, 0o755);
  const [cli, pgPort, temporalPort] = await Promise.all([
    ensureTemporalCli({ log: () => undefined }),
    freePort(),
    freePort(),
  ]);
  let postgres: RunningPostgres | undefined;
  let temporal: RunningTemporal | undefined;
  const startPostgres = async () => {
    postgres = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'postgres'),
      port: pgPort,
      database,
      persistent: true,
    });
  };
  const startTemporal = () => {
    temporal = startTemporalDevServer({
      cliPath: cli.path,
      port: temporalPort,
      uiPort: null,
      dbFile: path.join(dir, 'temporal.sqlite'),
      namespace: 'default',
    });
  };
  const stopPostgres = async () => {
    await postgres?.stop();
    postgres = undefined;
  };
  const stopTemporal = async () => {
    await temporal?.stop();
    temporal = undefined;
  };
  startTemporal();
  await startPostgres();
  return {
    databaseUrl: postgres!.url,
    temporalAddress: temporal!.address,
    dir,
    stopPostgres,
    startPostgres,
    stopTemporal,
    startTemporal,
    async close() {
      await stopTemporal();
      await stopPostgres();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
