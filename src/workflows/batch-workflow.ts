import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { BatchActivities } from '../activities/batches';
import type { WebhookActivities } from '../activities/webhooks';
import {
  BATCH_CHUNK_SIZE,
  BATCH_PARALLEL_CHUNKS,
  type BatchChunk,
  type BatchSummary,
  type BatchWorkflowInput,
} from './batch-messages';
import { OUTBOUND_ACTIVITY_OPTIONS } from './outbound-options';

const { createBatchItems, finishBatch } = proxyActivities<BatchActivities>({
  // A chunk of 25 creates, 5 at a time, each bounded by the Temporal deadline of a single create.
  startToCloseTimeout: '3 minutes',
  // Retried until it succeeds: a retry tries only the items without an outcome.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { deliverWebhook } = proxyActivities<WebhookActivities>(OUTBOUND_ACTIVITY_OPTIONS);

function chunksOf(input: BatchWorkflowInput): BatchChunk[] {
  const chunks: BatchChunk[] = [];
  for (let from = 0; from < input.total; from += BATCH_CHUNK_SIZE) {
    const to = Math.min(input.total, from + BATCH_CHUNK_SIZE);
    const { batchId, partnerId, apiKey } = input;
    chunks.push({ batchId, partnerId, ...(apiKey ? { apiKey } : {}), from, to });
  }
  return chunks;
}

/** Runs `work` over `items` with at most `lanes` of them in flight, in order of start. */
async function inLanes<T>(items: T[], lanes: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

/**
 * Creates a batch's deliveries through the single create's own path, a chunk per activity and a
 * few chunks at a time, then tells the partner it is done (`batch.completed`). The workflow id is
 * the batch key and is never reused, so a repeated batch starts nothing.
 */
export async function deliveryBatchWorkflow(input: BatchWorkflowInput): Promise<BatchSummary> {
  await inLanes(chunksOf(input), BATCH_PARALLEL_CHUNKS, (chunk) =>
    createBatchItems.executeWithOptions(
      { summary: `Deliveries ${chunk.from + 1}–${chunk.to} of ${input.total}` },
      [chunk],
    ),
  );
  const { summary, webhook } = await finishBatch(input.batchId);
  try {
    await deliverWebhook.executeWithOptions({ summary: 'Webhook batch.completed to the partner' }, [
      webhook,
    ]);
  } catch (error) {
    // Refused for good (a 4xx): the batch is done all the same, and the log shows the attempt.
    if (!(error instanceof ActivityFailure)) throw error;
  }
  return summary;
}
