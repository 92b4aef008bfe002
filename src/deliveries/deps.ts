import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/knex';

/** What the delivery use cases need; the API's dependencies include it (no HTTP types here). */
export interface DeliveryDeps {
  config: Config;
  db: Db;
  temporal: Client;
}
