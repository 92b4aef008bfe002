import type { BatchCompletedData } from '../schemas/webhook-events';

/** Items one `createBatchItems` activity tries. */
export const BATCH_CHUNK_SIZE = 25;
/** `createBatchItems` activities a batch runs at once. */
export const BATCH_PARALLEL_CHUNKS = 2;
/** Creates one activity has in flight: a batch has at most 2 × 5 = 10 at a time. */
export const BATCH_ITEM_CONCURRENCY = 5;

export interface BatchWorkflowInput {
  batchId: string;
  partnerId: string;
  /** The API key the batch was sent with, so its deliveries name it as the single creates do. */
  apiKey?: { id: string; name: string; sandbox?: true };
  total: number;
}

/** One chunk of a batch: the items in [from, to). */
export interface BatchChunk {
  batchId: string;
  partnerId: string;
  apiKey?: { id: string; name: string; sandbox?: true };
  from: number;
  to: number;
}

/** The workflow's result, as the Temporal UI shows it: the counts the webhook also carries. */
export type BatchSummary = Omit<BatchCompletedData, 'batch_url'>;

/** A batch's workflow id is its key: `batch-<sha256 hex>` (src/deliveries/idempotency.ts). */
export const batchSummaryText = (total: number) =>
  `Bulk create of ${total} deliver${total === 1 ? 'y' : 'ies'}`;
