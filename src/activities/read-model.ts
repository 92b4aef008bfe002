import type { Db } from '../db/knex';
import type { DeliveryWorkflowInput } from '../workflows/delivery-messages';

export function createReadModelActivities(db: Db) {
  return {
    /** Inserts the delivery row and its creation event; a retry finds both and does nothing. */
    async recordDeliveryCreated(input: DeliveryWorkflowInput): Promise<void> {
      await db.transaction(async (trx) => {
        const inserted = await trx('deliveries')
          .insert({
            id: input.deliveryId,
            workflow_id: input.idempotencyKey,
            idempotency_key: input.idempotencyKey,
            payload_hash: input.payloadHash,
            status: 'CREATED',
            partner_id: input.partnerId,
            product_name: input.request.product_name,
            delivery_address: input.request.delivery_address,
            delivery_date: input.request.delivery_date,
            recipient_name: input.request.recipient_name ?? null,
            recipient_phone: input.request.recipient_phone ?? null,
            notes: input.request.notes ?? null,
          })
          .onConflict('idempotency_key')
          .ignore()
          .returning('id');
        if (inserted.length === 0) return;
        await trx('delivery_events')
          .insert({
            delivery_id: input.deliveryId,
            event_key: `${input.deliveryId}:created`,
            type: 'created',
            from_status: null,
            to_status: 'CREATED',
            actor_id: input.partnerId,
            at: trx.fn.now(),
          })
          .onConflict('event_key')
          .ignore();
      });
    },
  };
}

export type ReadModelActivities = ReturnType<typeof createReadModelActivities>;
