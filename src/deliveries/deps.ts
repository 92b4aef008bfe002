import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import type { Admission } from '../temporal/admission';

/** What the delivery use cases need; the API's dependencies include it (no HTTP types here). */
export interface DeliveryDeps {
  config: Config;
  db: Db;
  temporal: Client;
  /** Refuses Temporal calls past this process's capacity at once (503), not after a wait. */
  admission: Admission;
}
