import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/knex';
import { isPermanentDataError } from '../db/postgres-errors';
import type { DeliveryEventNotice } from '../workflows/notify';
import type { DeliveryWorkflowInput } from '../workflows/delivery-messages';

/** One accepted change as the workflow saw it; `eventKey` and `at` come from workflow state. */
export type DeliveryChange = Omit<DeliveryEventNotice, 'previousAssignee' | 'partnerId'>;

function eventRow(change: DeliveryChange) {
  return {
    delivery_id: change.deliveryId,
    event_key: change.eventKey,
    type: change.type,
    from_status: change.fromStatus,
    to_status: change.toStatus,
    actor_id: change.actorId,
    reason: change.reason,
    at: change.at,
  };
}

/**
 * Runs a read-model write; data and constraint errors become non-retryable failures, because
 * retrying them would loop forever while the delivery looked stuck.
 */
async function write(what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isPermanentDataError(error)) throw error;
    throw ApplicationFailure.nonRetryable(
      `PostgreSQL refused ${what}: ${(error as Error).message}`,
      'read-model-rejected',
    );
  }
}

export function createReadModelActivities(db: Db) {
  return {
    /**
     * Inserts the delivery row and its creation event. The unique idempotency key and event key
     * make a retry (or a second workflow run for the same key) a no-op.
     */
    async recordDeliveryCreated(
      input: DeliveryWorkflowInput,
      change: DeliveryChange,
    ): Promise<void> {
      await write('the new delivery', () =>
        db.transaction(async (trx) => {
          const inserted = await trx('deliveries')
            .insert({
              id: input.deliveryId,
              workflow_id: input.idempotencyKey,
              idempotency_key: input.idempotencyKey,
              payload_hash: input.payloadHash,
              status: change.toStatus,
              partner_id: input.partnerId,
              product_name: input.request.product_name,
              delivery_address: input.request.delivery_address,
              delivery_date: input.request.delivery_date,
              recipient_name: input.request.recipient_name ?? null,
              recipient_phone: input.request.recipient_phone ?? null,
              notes: input.request.notes ?? null,
              created_at: change.at,
              updated_at: change.at,
            })
            .onConflict('idempotency_key')
            .ignore()
            .returning('id');
          if (inserted.length === 0) return;
          await trx('delivery_events').insert(eventRow(change)).onConflict('event_key').ignore();
        }),
      );
    },

    /** Applies one accepted change to the row and appends its event, once per event key. */
    async recordDeliveryChange(change: DeliveryChange): Promise<void> {
      await write('the delivery change', () =>
        db.transaction(async (trx) => {
          await trx('deliveries').where({ id: change.deliveryId }).update({
            status: change.toStatus,
            assigned_to: change.assignedTo,
            updated_at: change.at,
          });
          await trx('delivery_events').insert(eventRow(change)).onConflict('event_key').ignore();
        }),
      );
    },
  };
}

export type ReadModelActivities = ReturnType<typeof createReadModelActivities>;
