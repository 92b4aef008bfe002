import type { ProofAttachment } from '../../domain/delivery-events';
import type { Queryable } from '../knex';
import { DeliveryAttachmentModel } from '../models/delivery-attachment';
import type { RowInput } from '../models/row-input';

export type StoredAttachment = ProofAttachment & { storage_key: string; delivery_id: string };

function toAttachment(row: DeliveryAttachmentModel): StoredAttachment {
  return {
    id: row.id,
    delivery_id: row.delivery_id,
    content_type: row.content_type,
    bytes: row.bytes,
    sha256: row.sha256,
    storage_key: row.storage_key,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function insertAttachment(
  db: Queryable,
  row: RowInput<DeliveryAttachmentModel>,
): Promise<StoredAttachment> {
  const [inserted] = await db('delivery_attachments').insert(row).returning('*');
  return toAttachment(inserted as DeliveryAttachmentModel);
}

/** The delivery's attachment, or undefined: an id of another delivery is not found here. */
export async function findAttachment(
  db: Queryable,
  deliveryId: string,
  id: string,
): Promise<StoredAttachment | undefined> {
  const row = await DeliveryAttachmentModel.query(db).findOne({ id, delivery_id: deliveryId });
  return row && toAttachment(row);
}

/** Those of `ids` that belong to the delivery, in the order asked. */
export async function findAttachments(
  db: Queryable,
  deliveryId: string,
  ids: readonly string[],
): Promise<StoredAttachment[]> {
  if (ids.length === 0) return [];
  const rows = await DeliveryAttachmentModel.query(db)
    .where({ delivery_id: deliveryId })
    .whereIn('id', [...ids]);
  const byId = new Map(rows.map((row) => [row.id, toAttachment(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** How many images were uploaded for the delivery, whether a proof names them or not. */
export async function countAttachments(db: Queryable, deliveryId: string): Promise<number> {
  const row = await db('delivery_attachments')
    .where({ delivery_id: deliveryId })
    .count<{ count: string }[]>('* as count')
    .first();
  return Number(row?.count ?? 0);
}
