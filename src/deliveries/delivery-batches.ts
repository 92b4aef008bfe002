import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { assertEmailVerified } from '../accounts/email-verified';
import type { AuthUser } from '../accounts/auth-user';
import {
  batchCounts,
  batchItems,
  countsOfBatches,
  findBatch,
  insertBatch,
  listPartnerBatches,
  type BatchCounts,
  type StoredBatch,
  type StoredBatchItem,
} from '../db/repositories/batches';
import { DomainError, notFound, ValidationError, type FieldError } from '../domain/errors';
import type { CreateBatchRequest } from '../schemas/batches';
import { withTemporalDeadline } from '../temporal/calls';
import { deliveryBatchWorkflow } from '../workflows';
import { batchSummaryText, type BatchWorkflowInput } from '../workflows/batch-messages';
import type { DeliveryDeps } from './deps';
import { batchIdFor, batchKey } from './idempotency';
import { deliveryErrorFrom } from './workflow-refusals';

export interface SubmittedBatch {
  batch: StoredBatch;
  /** False when the request repeated a batch already accepted (same key, same body). */
  submitted: boolean;
}

/** Each item's key names one delivery: twice in one batch is a mistake the caller should see. */
function assertUniqueKeys(request: CreateBatchRequest): void {
  const first = new Map<string, number>();
  const errors: FieldError[] = [];
  request.deliveries.forEach(({ idempotency_key: key }, index) => {
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else
      errors.push({
        field: `deliveries.${index}.idempotency_key`,
        message: `must be unique in the batch (deliveries.${earlier} has it too)`,
      });
  });
  if (errors.length > 0) throw new ValidationError('The request body is invalid.', errors);
}

async function startBatchRun(deps: DeliveryDeps, batch: StoredBatch, partner: AuthUser) {
  const input: BatchWorkflowInput = {
    batchId: batch.id,
    partnerId: partner.id,
    ...(partner.apiKey ? { apiKey: partner.apiKey } : {}),
    total: batch.total,
  };
  try {
    await deps.admission.admit('create', partner.id, () =>
      withTemporalDeadline(deps, () =>
        deps.temporal.workflow.start(deliveryBatchWorkflow, {
          workflowId: batch.workflow_id,
          taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
          args: [input],
          // Never a second run, even after this one ended: a repeated batch does nothing twice.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: batchSummaryText(batch.total),
          staticDetails: `Batch ${batch.id} of partner ${partner.id}: ${deps.config.PUBLIC_URL}/api/v1/deliveries/batches/${batch.id}`,
        }),
      ),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw deliveryErrorFrom(error);
  }
}

/**
 * Accepts a batch once per key (the Idempotency-Key header, or the body without one): its items
 * are stored, then its workflow is started with the key as workflow id. A repeat finds the
 * stored batch and starts the workflow again, which Temporal refuses once it has run, so a
 * request that died between the two still gets its batch run by the next one.
 */
export async function submitBatch(
  deps: DeliveryDeps,
  partner: AuthUser,
  request: CreateBatchRequest,
  idempotencyHeader: string | undefined,
): Promise<SubmittedBatch> {
  assertEmailVerified(partner);
  assertUniqueKeys(request);
  const { key, payloadHash } = batchKey(partner.id, request, idempotencyHeader);
  const id = batchIdFor(key);
  const existing = await findBatch(deps.db, id);
  const batch =
    existing ??
    (await insertBatch(
      deps.db,
      {
        id,
        partner_id: partner.id,
        workflow_id: key,
        payload_hash: payloadHash,
        actor_api_key_id: partner.apiKey?.id ?? null,
        total: request.deliveries.length,
      },
      request.deliveries.map(({ idempotency_key, ...delivery }) => ({
        idempotency_key,
        request: delivery,
      })),
    ));
  // Checked after the insert too: a racing request with another body may have stored first.
  if (batch.payload_hash !== payloadHash) {
    throw new DomainError(
      'idempotency-key-mismatch',
      'This Idempotency-Key was already used with a different request body.',
    );
  }
  if (!batch.completed_at) await startBatchRun(deps, batch, partner);
  return { batch, submitted: !existing };
}

export interface BatchReport {
  batch: StoredBatch;
  counts: BatchCounts;
  items: StoredBatchItem[];
}

/** The partner's own batch with its items' outcomes so far; another partner's is not found. */
export async function batchReport(
  deps: Pick<DeliveryDeps, 'db'>,
  partner: AuthUser,
  id: string,
): Promise<BatchReport> {
  const batch = await findBatch(deps.db, id);
  if (!batch || batch.partner_id !== partner.id) throw notFound('The batch');
  const [counts, items] = await Promise.all([batchCounts(deps.db, id), batchItems(deps.db, id)]);
  return { batch, counts, items };
}

/** The partner's own batches, newest first, each with its counts (not its items). */
export async function listBatches(
  deps: Pick<DeliveryDeps, 'db'>,
  partner: AuthUser,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ rows: Omit<BatchReport, 'items'>[]; next_cursor: string | null }> {
  const { rows, next_cursor } = await listPartnerBatches(deps.db, partner.id, page);
  const counts = await countsOfBatches(
    deps.db,
    rows.map((batch) => batch.id),
  );
  return {
    rows: rows.map((batch) => ({ batch, counts: counts.get(batch.id)! })),
    next_cursor,
  };
}
