import { WithStartWorkflowOperation } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { assertEmailVerified } from '../accounts/email-verified';
import type { AppDeps } from '../api/deps';
import type { AuthUser } from '../api/route';
import {
  findDeliveryById,
  findDeliveryByKey,
  type StoredDelivery,
  type StoredDeliveryWithKey,
} from '../db/repositories/deliveries';
import { conflict, DomainError, ValidationError } from '../domain/errors';
import type { CreateDeliveryRequest } from '../schemas/deliveries';
import { deliveryWorkflow } from '../workflows';
import { createUpdate, type DeliveryWorkflowInput } from '../workflows/delivery-messages';
import { deliveryStatusKey, partnerIdKey } from '../workflows/search-attributes';
import { deliveryKey } from './idempotency';
import { domainErrorFrom, withTemporalDeadline } from './temporal-calls';

export interface CreatedDelivery {
  delivery: StoredDelivery;
  /** False when the request repeated one already accepted (answered 200, `Idempotent-Replayed`). */
  created: boolean;
}

function replay(existing: StoredDeliveryWithKey, payloadHash: string): CreatedDelivery {
  const { payload_hash: stored, ...delivery } = existing;
  if (stored !== payloadHash) {
    throw new DomainError(
      'idempotency-key-mismatch',
      'This Idempotency-Key was already used with a different request body.',
    );
  }
  return { delivery, created: false };
}

function assertNotInPast(deliveryDate: string): void {
  const today = new Date().toISOString().slice(0, 10);
  if (deliveryDate < today) {
    throw new ValidationError('The request body is invalid.', [
      { field: 'delivery_date', message: `must be today (${today}, UTC) or later` },
    ]);
  }
}

/**
 * Creates a delivery exactly once per idempotency key. The row in Postgres (unique key) answers
 * repeats for as long as the data lives; until it exists, update-with-start on the workflow id
 * (the key) makes concurrent or retried requests attach to one workflow. The API writes nothing
 * itself: the workflow's first activity writes the row, so a crash anywhere leaves either no
 * workflow or a running one that a retry reaches.
 */
export async function createDelivery(
  deps: AppDeps,
  partner: AuthUser,
  request: CreateDeliveryRequest,
  idempotencyHeader: string | undefined,
): Promise<CreatedDelivery> {
  await assertEmailVerified(partner);
  const { key, payloadHash } = deliveryKey(partner.id, request, idempotencyHeader);
  const existing = await findDeliveryByKey(key);
  if (existing) return replay(existing, payloadHash);
  assertNotInPast(request.delivery_date);

  const input: DeliveryWorkflowInput = {
    deliveryId: randomUUID(),
    idempotencyKey: key,
    payloadHash,
    partnerId: partner.id,
    request,
  };
  const startWorkflowOperation = new WithStartWorkflowOperation(deliveryWorkflow, {
    workflowId: key,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    workflowIdConflictPolicy: 'USE_EXISTING',
    // A completed run wrote its row and is answered from it above; only a run that failed or
    // was terminated before writing it (the row check found nothing) may be started again.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    args: [input],
    typedSearchAttributes: [
      { key: deliveryStatusKey, value: 'CREATED' },
      { key: partnerIdKey, value: partner.id },
    ],
  });
  try {
    const result = await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.executeUpdateWithStart(createUpdate, {
        args: [{ payloadHash }],
        startWorkflowOperation,
      }),
    );
    const delivery = await findDeliveryById(result.delivery.deliveryId);
    // The create update returns only after the workflow's activity wrote the row.
    if (!delivery) throw new Error(`Delivery ${result.delivery.deliveryId} has no row`);
    return { delivery, created: result.created };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      const row = await findDeliveryByKey(key);
      if (row) return replay(row, payloadHash);
      throw conflict(
        'A delivery for this request already finished without a record; contact support.',
      );
    }
    throw domainErrorFrom(error);
  }
}
