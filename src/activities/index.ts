import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import type { EmailSettings } from '../notifications/email-settings';
import { createEmailActivities } from './email';
import { createReadModelActivities } from './read-model';

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  email: EmailSettings;
}

/** All activities the delivery worker registers, built from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps.db),
    ...createEmailActivities(deps),
  };
}
