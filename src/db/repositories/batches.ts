import type { Knex } from 'knex';
import type { ModelObject } from 'objection';
import type { BatchItemProblem, BatchOutcome } from '../../deliveries/batch-outcomes';
import type { Queryable } from '../knex';
import { DeliveryBatchModel, type DeliveryBatchItemModel } from '../models/delivery-batch';
import { newestFirstPage, type Page } from '../pagination';

export type { BatchItemProblem, BatchOutcome };

export type StoredBatch = ModelObject<DeliveryBatchModel>;
export type StoredBatchItem = Omit<ModelObject<DeliveryBatchItemModel>, 'batch_id'>;

export interface BatchCounts {
  processed: number;
  created: number;
  replayed: number;
  failed: number;
}

const ITEM_COLUMNS = [
  'position',
  'idempotency_key',
  'request',
  'outcome',
  'delivery_id',
  'problem',
];

/** Rows per INSERT: 1,000 items in a few statements, each well under PostgreSQL's parameter limit. */
const INSERT_CHUNK = 250;

/**
 * Stores a batch and its items once: a repeat (same id) inserts nothing and gets the stored
 * batch, whose payload hash tells a replay from a reused key.
 */
export async function insertBatch(
  db: Queryable,
  batch: Omit<StoredBatch, 'created_at' | 'completed_at'>,
  items: { idempotency_key: string; request: Record<string, unknown> }[],
): Promise<StoredBatch> {
  const runInTransaction = async (trx: Queryable) => {
    const inserted = await trx<StoredBatch>('delivery_batches')
      .insert(batch)
      .onConflict('id')
      .ignore()
      .returning('*');
    if (inserted[0]) {
      const rows = items.map((item, position) => ({
        batch_id: batch.id,
        position,
        idempotency_key: item.idempotency_key,
        request: JSON.stringify(item.request),
      }));
      for (let from = 0; from < rows.length; from += INSERT_CHUNK) {
        await trx('delivery_batch_items').insert(rows.slice(from, from + INSERT_CHUNK));
      }
      return inserted[0];
    }
    return (await findBatch(trx, batch.id))!;
  };
  return db.isTransaction
    ? runInTransaction(db as Knex.Transaction)
    : db.transaction(runInTransaction);
}

export async function findBatch(db: Queryable, id: string): Promise<StoredBatch | undefined> {
  return db<StoredBatch>('delivery_batches').where({ id }).first();
}

/** The items in [from, to) not yet tried, in order. */
export async function untriedBatchItems(
  db: Queryable,
  batchId: string,
  from: number,
  to: number,
): Promise<StoredBatchItem[]> {
  return db('delivery_batch_items')
    .where({ batch_id: batchId })
    .whereNull('outcome')
    .where('position', '>=', from)
    .where('position', '<', to)
    .orderBy('position')
    .select<StoredBatchItem[]>(ITEM_COLUMNS);
}

/** An item's first outcome stands: a retried activity that replays its own create keeps `created`. */
export async function recordBatchItem(
  db: Queryable,
  batchId: string,
  position: number,
  result: { outcome: BatchOutcome; delivery_id: string | null; problem: BatchItemProblem | null },
): Promise<void> {
  await db('delivery_batch_items')
    .where({ batch_id: batchId, position })
    .whereNull('outcome')
    .update({
      outcome: result.outcome,
      delivery_id: result.delivery_id,
      problem: result.problem === null ? null : JSON.stringify(result.problem),
    });
}

export async function batchItems(db: Queryable, batchId: string): Promise<StoredBatchItem[]> {
  return db('delivery_batch_items')
    .where({ batch_id: batchId })
    .orderBy('position')
    .select<StoredBatchItem[]>(ITEM_COLUMNS);
}

export async function batchCounts(db: Queryable, batchId: string): Promise<BatchCounts> {
  return (await countsOfBatches(db, [batchId])).get(batchId) ?? countsFrom([]);
}

function countsFrom(rows: readonly { outcome: BatchOutcome; count: string }[]): BatchCounts {
  const counts = { created: 0, replayed: 0, failed: 0 };
  for (const row of rows) counts[row.outcome] = Number(row.count);
  return { ...counts, processed: counts.created + counts.replayed + counts.failed };
}

/** Each batch's counts in one grouped read. */
export async function countsOfBatches(
  db: Queryable,
  batchIds: readonly string[],
): Promise<Map<string, BatchCounts>> {
  if (batchIds.length === 0) return new Map();
  const rows = await db('delivery_batch_items')
    .whereIn('batch_id', batchIds)
    .whereNotNull('outcome')
    .groupBy('batch_id', 'outcome')
    .select('batch_id', 'outcome')
    .count<{ batch_id: string; outcome: BatchOutcome; count: string }[]>('* as count');
  return new Map(batchIds.map((id) => [id, countsFrom(rows.filter((row) => row.batch_id === id))]));
}

/** A partner's batches, newest first, a keyset page at a time. */
export async function listPartnerBatches(
  db: Queryable,
  partnerId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<StoredBatch>> {
  const query = DeliveryBatchModel.query(db).where('delivery_batches.partner_id', partnerId);
  return newestFirstPage(query, 'delivery_batches', page);
}

/** Marks the batch completed once (a retry keeps the first time) and returns it. */
export async function completeBatch(db: Queryable, batchId: string): Promise<StoredBatch> {
  await db('delivery_batches')
    .where({ id: batchId })
    .whereNull('completed_at')
    .update({ completed_at: db.fn.now() });
  return (await findBatch(db, batchId))!;
}
