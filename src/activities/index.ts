import type { Db } from '../db/knex';
import { createReadModelActivities } from './read-model';

export interface ActivityDeps {
  db: Db;
}

/** All activities the delivery worker registers, built from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps.db),
  };
}
