import knexFactory, { type Knex } from 'knex';
import { Model } from 'objection';
import path from 'node:path';

export type Db = Knex;

export function createDb(databaseUrl: string, pool = { min: 0, max: 10 }): Db {
  const db = knexFactory({ client: 'pg', connection: databaseUrl, pool });
  // One database per process: objection models use it unless a transaction is passed.
  Model.knex(db);
  return db;
}

const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');
// Running from source (tsx) the migrations are .ts; from the production build they are .js.
const MIGRATION_EXTENSION = path.extname(__filename);

export async function migrateToLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({
    directory: MIGRATIONS_DIR,
    loadExtensions: [MIGRATION_EXTENSION],
  })) as [number, string[]];
  return applied;
}
