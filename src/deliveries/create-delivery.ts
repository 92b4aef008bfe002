import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { assertEmailVerified } from '../accounts/email-verified';
import type { DeliveryDeps } from './deps';
import type { AuthUser } from '../accounts/auth-user';
import {
  findDeliveryByKey,
  insertNewDelivery,
  type DeliveryWithKey,
  type StoredDelivery,
} from '../db/repositories/deliveries';
import { readDispatchSettings } from '../db/repositories/dispatch';
import { newTrackingToken } from '../tracking/tracking-token';
import { DomainError } from '../domain/errors';
import type { CreateDeliveryRequest } from '../schemas/deliveries';
import type { DeliveryWorkflowInput } from '../workflows/delivery-messages';
import { createdEventKey } from '../workflows/delivery-event';
import { deliveryView } from '../workflows/delivery-view';
import { sandboxCourierWorkflow } from '../workflows';
import { sandboxCourierWorkflowId } from '../workflows/sandbox-courier-messages';
import { settleDeliveryRequest } from './delivery-request';
import { startDeliveryRun, type DeliveryRunMemo } from './delivery-runs';
import { deliveryIdFor, deliveryKey } from './idempotency';
import { withTemporalDeadline } from '../temporal/calls';
import { deliveryErrorFrom } from './workflow-refusals';

export interface CreatedDelivery {
  delivery: StoredDelivery;
  /** False when the request repeated one already accepted (answered 200, `Idempotent-Replayed`). */
  created: boolean;
}

const keyMismatch = () =>
  new DomainError(
    'idempotency-key-mismatch',
    'This Idempotency-Key was already used with a different request body.',
  );

function replay(existing: DeliveryWithKey, payloadHash: string): CreatedDelivery {
  const { payload_hash: stored, ...delivery } = existing;
  if (stored !== payloadHash) throw keyMismatch();
  return { delivery, created: false };
}

/**
 * Writes the row the workflow would also write (same id, same values): whoever is first wins,
 * and the stored row (its tracking token included) is the answer.
 */
async function storeRow(deps: DeliveryDeps, input: DeliveryWorkflowInput): Promise<StoredDelivery> {
  const delivery = deliveryView(input, {
    status: 'CREATED',
    assignedTo: null,
    updatedAt: input.createdAt,
    failureReason: null,
    proof: null,
  });
  const trackingToken = await insertNewDelivery(
    deps.db,
    {
      delivery,
      idempotencyKey: input.idempotencyKey,
      payloadHash: input.payloadHash,
      trackingToken: newTrackingToken(),
    },
    {
      deliveryId: delivery.id,
      eventKey: createdEventKey(delivery.id),
      type: 'created',
      fromStatus: null,
      toStatus: 'CREATED',
      actorId: input.partnerId,
      actorApiKeyId: input.actorApiKeyId ?? null,
      reason: null,
      at: input.createdAt,
    },
  );
  return { ...delivery, tracking_token: trackingToken };
}

/**
 * Another request (or an earlier attempt of this one) started the run: answer from its row, or
 * write the row from this request when the other one has not yet (it may have crashed).
 */
async function joinStartedRun(
  deps: DeliveryDeps,
  input: DeliveryWorkflowInput,
): Promise<CreatedDelivery> {
  const row = await findDeliveryByKey(deps.db, input.idempotencyKey);
  if (row) return replay(row, input.payloadHash);
  const handle = deps.temporal.workflow.getHandle(input.idempotencyKey);
  const described = await withTemporalDeadline(deps, () => handle.describe());
  const memo = described.memo as Partial<DeliveryRunMemo> | undefined;
  if (memo?.payloadHash !== input.payloadHash || !memo.createdAt) throw keyMismatch();
  // The first request's key, like its time: the workflow writes the same event from its input.
  const delivery = await storeRow(deps, {
    ...input,
    actorApiKeyId: memo.actorApiKeyId,
    createdAt: memo.createdAt,
  });
  return { delivery, created: false };
}

/**
 * The simulated courier of a sandbox delivery: one run per delivery ever (its id, duplicates
 * rejected), so a repeated create, which also asks, starts none, yet starts the one an earlier
 * attempt did not reach (the API stopped between the row and the courier).
 */
async function startSandboxCourier(deps: DeliveryDeps, delivery: StoredDelivery) {
  try {
    await withTemporalDeadline(deps, () =>
      deps.temporal.workflow.start(sandboxCourierWorkflow, {
        workflowId: sandboxCourierWorkflowId(delivery.id),
        taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
        args: [
          {
            deliveryId: delivery.id,
            workflowId: delivery.workflow_id,
            productName: delivery.product_name,
          },
        ],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: 'Sandbox courier',
        staticDetails: `Walks sandbox delivery ${delivery.id} through its statuses`,
      }),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    throw deliveryErrorFrom(error);
  }
}

/**
 * Creates a delivery exactly once per idempotency key. Temporal's start is the arbiter: the
 * workflow ID is the key, so a second start while the run is open is refused and that request
 * joins the first. The API answers once the start is durable and the row is written; it never
 * waits for a worker. Should the API die in between, the workflow's first task writes the same
 * row, so a crash anywhere converges to one row and one run. A sandbox delivery also gets its
 * simulated courier, asked for on every repeat too.
 */
export async function createDelivery(
  deps: DeliveryDeps,
  partner: AuthUser,
  request: CreateDeliveryRequest,
  idempotencyHeader: string | undefined,
): Promise<CreatedDelivery> {
  const result = await createOrJoin(deps, partner, request, idempotencyHeader);
  if (result.delivery.sandbox) await startSandboxCourier(deps, result.delivery);
  return result;
}

/** The delivery's row and run: new, or those of the request this one repeats. */
async function createOrJoin(
  deps: DeliveryDeps,
  partner: AuthUser,
  request: CreateDeliveryRequest,
  idempotencyHeader: string | undefined,
): Promise<CreatedDelivery> {
  assertEmailVerified(partner);
  // Past capacity, refused before any read: the refusal must stay fast when everything is slow.
  deps.admission.assertRoom('create', partner.id);
  const { key, payloadHash } = deliveryKey(partner.id, request, idempotencyHeader);
  // The dispatch settings in force now travel with the delivery: a later switch leaves it be.
  const [existing, dispatch] = await Promise.all([
    findDeliveryByKey(deps.db, key),
    readDispatchSettings(deps.db),
  ]);
  if (existing) return replay(existing, payloadHash);
  const settled = settleDeliveryRequest(request, Date.now(), deps.config.BUSINESS_TIMEZONE);

  const input: DeliveryWorkflowInput = {
    deliveryId: deliveryIdFor(key),
    idempotencyKey: key,
    payloadHash,
    partnerId: partner.id,
    request: settled,
    createdAt: new Date().toISOString(),
    // Only when there is one, so a signed-in partner's workflow input keeps its usual shape.
    ...(partner.apiKey ? { actorApiKeyId: partner.apiKey.id } : {}),
    // Only in auto mode, so a manual delivery's workflow input keeps its usual shape.
    ...(dispatch.mode === 'auto' ? { dispatch } : {}),
    ...(partner.apiKey?.sandbox ? { sandbox: true as const } : {}),
  };
  try {
    await deps.admission.admit('create', partner.id, () =>
      withTemporalDeadline(deps, () => startDeliveryRun(deps.temporal, deps.config, input)),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return joinStartedRun(deps, input);
    throw deliveryErrorFrom(error);
  }
  return { delivery: await storeRow(deps, input), created: true };
}
