import type { Db } from '../db/knex';
import { removeExpiredSandboxDeliveries } from '../db/repositories/deliveries';
import { SANDBOX_RETENTION_DAYS } from '../domain/sandbox';

/** Deliveries one statement removes: short transactions, however many expired at once. */
const REMOVAL_BATCH = 500;

export function createSandboxRemovalActivities(db: Db) {
  return {
    /** Removes every expired sandbox delivery, a batch at a time; how many went. */
    async removeSandboxDeliveries(): Promise<number> {
      let removed = 0;
      for (;;) {
        const batch = await removeExpiredSandboxDeliveries(
          db,
          SANDBOX_RETENTION_DAYS,
          REMOVAL_BATCH,
        );
        removed += batch;
        if (batch < REMOVAL_BATCH) return removed;
      }
    },
  };
}

export type SandboxRemovalActivities = ReturnType<typeof createSandboxRemovalActivities>;
