import type { Config } from '../config';
import type { Queryable } from '../db/knex';
import { findUserByEmail, upsertUserByEmail } from '../db/repositories/users';
import type { Logger } from '../logger';
import { hashPassword, verifyPassword } from './passwords';

export const DEV_SUPERADMIN = {
  email: 'superadmin@example.com',
  password: 'superadmin-dev-password',
};

/**
 * Creates or updates the first super admin from SUPERADMIN_EMAIL/SUPERADMIN_PASSWORD.
 * In dev, defaults are used (and printed by the platform); in production both must be set or
 * the step is skipped.
 */
export async function bootstrapSuperAdmin(
  db: Queryable,
  config: Config,
  logger: Logger,
): Promise<{ email: string; password: string } | null> {
  const email = config.SUPERADMIN_EMAIL ?? (config.isDev ? DEV_SUPERADMIN.email : undefined);
  const password =
    config.SUPERADMIN_PASSWORD ?? (config.isDev ? DEV_SUPERADMIN.password : undefined);
  if (!email || !password) {
    logger.info('SUPERADMIN_EMAIL/SUPERADMIN_PASSWORD not set: no super admin bootstrapped');
    return null;
  }
  const existing = await findUserByEmail(db, email);
  const unchanged =
    existing?.role === 'super_admin' &&
    existing.is_active &&
    (await verifyPassword(existing.password_hash, password));
  if (unchanged) return { email, password };
  await upsertUserByEmail(db, {
    email,
    password_hash: await hashPassword(password),
    role: 'super_admin',
    first_name: 'Super',
    last_name: 'Admin',
    verified: true,
  });
  logger.info({ email }, 'super admin ready');
  return { email, password };
}
