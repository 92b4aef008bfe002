import { Model } from 'objection';
import type { BatchItemProblem, BatchOutcome } from '../../deliveries/batch-outcomes';

export class DeliveryBatchModel extends Model {
  static override tableName = 'delivery_batches';

  id!: string;
  partner_id!: string;
  /** `batch-<sha256 hex>`: the batch key, and the workflow id of its run. */
  workflow_id!: string;
  payload_hash!: string;
  actor_api_key_id!: string | null;
  total!: number;
  created_at!: Date;
  completed_at!: Date | null;
}

export class DeliveryBatchItemModel extends Model {
  static override tableName = 'delivery_batch_items';
  static override idColumn = ['batch_id', 'position'];

  batch_id!: string;
  position!: number;
  idempotency_key!: string;
  request!: Record<string, unknown>;
  /** null until the batch workflow has tried the item. */
  outcome!: BatchOutcome | null;
  delivery_id!: string | null;
  problem!: BatchItemProblem | null;
}
