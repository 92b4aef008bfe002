import knexFactory, { type Knex } from 'knex';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export type Db = Knex;

/** What every repository function takes first: the database, or a caller's transaction. */
export type Queryable = Knex | Knex.Transaction;

interface RawConnection {
  query(sql: string, done: (error: Error | null) => void): void;
}

/**
 * Every statement here is short and answers a request. PostgreSQL JIT-compiles a plan once its
 * estimated cost passes jit_above_cost, which a sort over a growing table reaches in time, and the
 * compilation (tens of milliseconds) would then land on one request of a list.
 */
function turnJitOff(connection: RawConnection, done: (error: Error | null, c: unknown) => void) {
  connection.query('set jit = off', (error) => done(error, connection));
}

/**
 * `poolMax` (`DATABASE_POOL_MAX`) is per process. A create holds a connection for three short
 * statements and a change's local activity for one transaction; with fewer connections than
 * concurrent requests plus activities, requests queue for a connection rather than for the
 * database (10 halved the create rate under 32 concurrent clients).
 */
export function createDb(databaseUrl: string, poolMax: number): Db {
  const pool = { min: 0, max: poolMax, afterCreate: turnJitOff };
  return knexFactory({ client: 'pg', connection: databaseUrl, pool });
}

/** Pool size for one-shot command-line tools (migrations, users, outbox): one statement at a time. */
export const CLI_POOL_MAX = 2;

const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');
// Running from source (tsx) the migrations are .ts; from the production build they are .js.
const MIGRATION_EXTENSION = path.extname(__filename);

/**
 * Records migrations by name without extension, so a database migrated from source (.ts) and
 * later by the production build (.js) agrees on what has run.
 */
const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    const files = await readdir(MIGRATIONS_DIR);
    return files.filter((file) => path.extname(file) === MIGRATION_EXTENSION).sort();
  },
  getMigrationName: (file) => path.basename(file, path.extname(file)),
  // require, not import(): under tsx only require() is hooked to load the .ts migrations.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  getMigration: async (file) => require(path.join(MIGRATIONS_DIR, file)) as Knex.Migration,
};

export async function migrateToLatest(db: Db): Promise<string[]> {
  // Databases migrated before names were recorded without extension keep working.
  if (await db.schema.hasTable('knex_migrations')) {
    await db('knex_migrations')
      .where('name', '~', '\\.(ts|js)$')
      .update({ name: db.raw("regexp_replace(name, '\\.(ts|js)$', '')") });
  }
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}
