import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { dump, load } from 'js-yaml';
import { ensureTemporalServer } from '../../scripts/lib/temporal-server';
import { ensureTemporalCli } from '../../src/dev/temporal-cli';
import { stopChild } from '../../src/dev/temporal-dev-server';
import { waitFor } from './wait-for';

const ROOT = path.resolve(__dirname, '../..');
const execFileAsync = promisify(execFile);

/** The steps docker-compose.yml's temporal-schema and temporal-namespace services run. */
export const SCHEMA_SCRIPT = 'deploy/temporal/setup-postgres.sh';
export const NAMESPACE_SCRIPT = 'deploy/temporal/create-namespace.sh';
/** The dynamic configuration docker-compose.yml mounts for its server. */
export const DYNAMIC_CONFIG = 'deploy/temporal/dynamicconfig/production.yaml';

/** In the order the resilience suite restarts them; each runs as its own process. */
export const CLUSTER_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type ClusterService = (typeof CLUSTER_SERVICES)[number];

const SCRIPT_TIMEOUT_MS = 120_000;

/** More than one, so workflows spread over shards that history owns and hands over. */
export const HISTORY_SHARDS = 4;

export interface ClusterPostgres {
  port: number;
  user: string;
  password: string;
}

interface ServicePorts {
  grpcPort: number;
  membershipPort: number;
  httpPort?: number;
}

type Ports = Record<ClusterService, ServicePorts>;

type ConfigTree = Record<string, unknown> & {
  persistence: {
    numHistoryShards: number;
    datastores: Record<string, { sql: Record<string, unknown> }>;
  };
  global: Record<string, unknown>;
  services: Record<string, { rpc: Record<string, unknown> }>;
  clusterMetadata: { clusterInformation: Record<string, { rpcAddress: string }> };
  dynamicConfigClient: { filepath: string; pollInterval: string };
};

/**
 * The server's configuration: the module's config/development-postgres12.yaml with this cluster's
 * PostgreSQL, ports and shard count, the platform's dynamic configuration, and no pprof or metrics
 * listener (one fixed port each, which four processes cannot share).
 */
export function clusterConfig(
  baseYaml: string,
  postgres: ClusterPostgres,
  ports: Ports,
  dynamicConfigPath: string,
): string {
  const config = load(baseYaml) as ConfigTree;
  config['log'] = { stdout: true, level: 'warn' };
  config.persistence.numHistoryShards = HISTORY_SHARDS;
  for (const store of Object.values(config.persistence.datastores)) {
    Object.assign(store.sql, {
      connectAddr: `127.0.0.1:${postgres.port}`,
      user: postgres.user,
      password: postgres.password,
    });
  }
  delete config.global['pprof'];
  delete config.global['metrics'];
  for (const service of CLUSTER_SERVICES) {
    const { httpPort, ...rest } = ports[service];
    Object.assign(config.services[service]!.rpc, rest, httpPort ? { httpPort } : {});
  }
  for (const cluster of Object.values(config.clusterMetadata.clusterInformation))
    cluster.rpcAddress = `127.0.0.1:${ports.frontend.grpcPort}`;
  config.dynamicConfigClient = { filepath: dynamicConfigPath, pollInterval: '10s' };
  return dump(config, { lineWidth: -1 });
}

/**
 * A free loopback port below 32768: the server records its services' ports in cluster_membership
 * as smallint, so the ephemeral range (32768 and up on Linux) is refused.
 */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

function accepts(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}

/**
 * Whether a workflow can be started (then it is terminated): frontend and history both know the
 * namespace, which each learns from its namespace cache a moment after it was created.
 */
async function startsWorkflows(
  cliPath: string,
  address: string,
  namespace: string,
): Promise<true | undefined> {
  const workflowId = `cluster-ready-${randomUUID()}`;
  const cli = (...args: string[]) =>
    execFileAsync(cliPath, [...args, '--address', address, '--namespace', namespace]);
  try {
    await cli(
      'workflow',
      'start',
      '--type',
      'ClusterReady',
      '--task-queue',
      workflowId,
      '--workflow-id',
      workflowId,
    );
  } catch {
    return undefined;
  }
  await cli('workflow', 'terminate', '--workflow-id', workflowId, '--reason', 'readiness probe');
  return true;
}

/**
 * Runs a deploy/temporal script the way its compose service does, logging to `logFile`; it is
 * killed after two minutes (the namespace script waits for the server as long as it takes).
 */
async function runScript(
  script: string,
  env: Record<string, string>,
  logFile: string,
): Promise<void> {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn('sh', [path.join(ROOT, script)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', log, log],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(killer);
    if (code !== 0) throw new Error(`${script} exited ${code}; see ${logFile}`);
  } finally {
    closeSync(log);
  }
}

export interface TemporalCluster {
  version: string;
  address: string;
  /** Stops one service (SIGTERM, then SIGKILL after 10 s). */
  stopService(service: ClusterService): Promise<void>;
  /** Starts a stopped service again, on its ports. */
  startService(service: ClusterService): void;
  /** The services that ended without being stopped (a crash, a fatal error). */
  unexpectedExits(): string[];
  stop(): Promise<void>;
}

/**
 * Temporal's server built from its Go module, as a cluster: its schema set up on `postgres` by the
 * compose file's script, then frontend, history, matching and worker as four processes (logs in
 * `dir/temporal-<service>.log`), and the namespace created by the compose file's script.
 */
export async function startTemporalCluster(opts: {
  dir: string;
  postgres: ClusterPostgres;
  namespace: string;
}): Promise<TemporalCluster> {
  const build = ensureTemporalServer();
  const cli = await ensureTemporalCli({ log: () => undefined });
  // The namespace script calls `temporal`; TEMPORAL_CLI may name the CLI otherwise.
  const cliDir = path.join(opts.dir, 'bin');
  await mkdir(cliDir);
  await symlink(cli.path, path.join(cliDir, 'temporal'));
  const ports = Object.fromEntries(
    await Promise.all(
      CLUSTER_SERVICES.map(async (service) => {
        const servicePorts: ServicePorts = {
          grpcPort: await freeClusterPort(),
          membershipPort: await freeClusterPort(),
        };
        if (service === 'frontend') servicePorts.httpPort = await freeClusterPort();
        return [service, servicePorts] as const;
      }),
    ),
  ) as Ports;
  const configFile = path.join(opts.dir, 'temporal-cluster.yaml');
  await writeFile(
    configFile,
    clusterConfig(
      await readFile(build.baseConfig, 'utf8'),
      opts.postgres,
      ports,
      path.join(ROOT, DYNAMIC_CONFIG),
    ),
  );
  const address = `127.0.0.1:${ports.frontend.grpcPort}`;
  const scriptLog = path.join(opts.dir, 'temporal-setup.log');
  await runScript(
    SCHEMA_SCRIPT,
    {
      PATH: `${path.dirname(build.sqlTool)}:${process.env['PATH']}`,
      TEMPORAL_SCHEMA_DIR: build.schemaDir,
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(opts.postgres.port),
      POSTGRES_USER: opts.postgres.user,
      SQL_PASSWORD: opts.postgres.password,
    },
    scriptLog,
  );

  const running = new Map<ClusterService, ChildProcess>();
  const exits: string[] = [];
  const startService = (service: ClusterService) => {
    const log = openSync(path.join(opts.dir, `temporal-${service}.log`), 'a');
    const args = ['--config-file', configFile, '--allow-no-auth', 'start', '--service', service];
    const child = spawn(build.server, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    running.set(service, child);
    child.once('exit', (code, signal) => {
      if (running.get(service) === child) exits.push(`${service} exited (${signal ?? code})`);
    });
  };
  const stopService = async (service: ClusterService) => {
    const child = running.get(service);
    running.delete(service);
    if (child) await stopChild(child);
  };
  const stop = async () => {
    await Promise.all(CLUSTER_SERVICES.map(stopService));
  };
  try {
    // The first process to start records the cluster's metadata; several at once race for it.
    const [first, ...rest] = CLUSTER_SERVICES;
    startService(first);
    await waitFor(() => accepts(ports[first].grpcPort), `Temporal ${first} to listen`, 60_000);
    for (const service of rest) startService(service);
    await runScript(
      NAMESPACE_SCRIPT,
      {
        PATH: `${cliDir}:${process.env['PATH']}`,
        TEMPORAL_ADDRESS: address,
        DEFAULT_NAMESPACE: opts.namespace,
      },
      scriptLog,
    );
    await waitFor(
      () => startsWorkflows(cli.path, address, opts.namespace),
      'the Temporal cluster to start a workflow in its namespace',
      60_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    version: build.version,
    address,
    stopService,
    startService,
    unexpectedExits: () => [...exits],
    stop,
  };
}
