import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { Queryable } from '../db/knex';
import type { DeliveryDeps } from './deps';
import type { AuthUser } from '../accounts/auth-user';
import {
  findDeliveryByKey,
  findDeliveryById,
  lastTwoEvents,
  type DeliveryWithKey,
  type StoredDelivery,
} from '../db/repositories/deliveries';
import { findUserById } from '../db/repositories/users';
import { isDeliveryVisibleTo, type Viewer } from '../domain/delivery-visibility';
import { canonicalJson } from '../domain/idempotency-key';
import { DomainError, notFound, unprocessable } from '../domain/errors';
import { isTerminal } from '../domain/delivery-status';
import type { Actor, DeliveryCommand } from '../domain/delivery-rules';
import type { Delivery } from '../schemas/deliveries';
import {
  assignUpdate,
  cancelUpdate,
  transitionUpdate,
  type AssignArgs,
  type ChangeAnswer,
  type ChangeArgs,
  type DeliveryWorkflowInput,
  type TransitionArgs,
} from '../workflows/delivery-messages';
import { deliveryWorkflow } from '../workflows';
import { deliveryStartOptions } from './delivery-runs';
import { settleOutcome, type SettledOutcome, type StatusChange } from './delivery-outcome';
import { assertIdempotencyHeader, changeUpdateId, sha256 } from './idempotency';
import { isClosedRun, withTemporalDeadline } from '../temporal/calls';
import { deliveryErrorFrom } from './workflow-refusals';
import { terminationOf } from './run-closure';

type CommandOf<K extends DeliveryCommand['kind']> = Extract<DeliveryCommand, { kind: K }>;
type WithReason<C> = C & { reason: string | null };

/**
 * The domain command plus what the API adds: the reason a status change or a cancel gives, and
 * only the statuses an admin may set. Its canonical JSON is the request hash of an idempotent
 * repeat, so its shape is that of the request as it always was.
 */
export type DeliveryChangeRequest =
  CommandOf<'assign'> | (CommandOf<'transition'> & StatusChange) | WithReason<CommandOf<'cancel'>>;

export interface ChangedDelivery {
  delivery: StoredDelivery;
  /** True when Temporal answered a repeat of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/**
 * A delivery the caller may see, or 404: existence is not revealed to others. The detail and
 * every change (assign, status, cancel) pass through here.
 */
export async function findVisibleDelivery(
  db: Queryable,
  user: Viewer,
  id: string,
): Promise<StoredDelivery> {
  const delivery = await findDeliveryById(db, id);
  const visible =
    delivery !== undefined &&
    isDeliveryVisibleTo(user, { partnerId: delivery.partner_id, assignedTo: delivery.assigned_to });
  if (!visible) throw notFound('The delivery');
  return delivery;
}

const closed = (delivery: Delivery) =>
  new DomainError(
    'invalid-transition',
    `The delivery is ${delivery.status} and can no longer change.`,
    { allowed: [], current_status: delivery.status },
  );

async function assertActiveAdmin(db: Queryable, adminId: string): Promise<void> {
  const admin = await findUserById(db, adminId);
  if (!admin || admin.role !== 'admin' || !admin.is_active) {
    throw unprocessable('The assignee must be an active admin.', {
      field: 'admin_id',
      message: 'must be an active admin',
    });
  }
}

/** The update a change is sent as: its name and its arguments. */
interface ChangeUpdate {
  name: string;
  args: ChangeArgs;
}

function changeUpdate(
  change: DeliveryChangeRequest,
  base: ChangeArgs,
  outcome: SettledOutcome,
): ChangeUpdate {
  switch (change.kind) {
    case 'assign': {
      const args: AssignArgs = { ...base, adminId: change.adminId };
      return { name: assignUpdate.name, args };
    }
    case 'transition': {
      // Only what there is, so other changes' arguments keep their usual shape.
      const args: TransitionArgs = {
        ...base,
        status: change.status,
        reason: change.reason,
        ...outcome,
      };
      return { name: transitionUpdate.name, args };
    }
    case 'cancel':
      return { name: cancelUpdate.name, args: { ...base, reason: change.reason } };
    default: {
      const unknown: never = change;
      throw new Error(`Unknown change ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The run was closed by an operator (terminated) while the delivery was live: start a new run
 * from the stored state and hand it the change in the same call.
 */
async function resumeWith(
  deps: DeliveryDeps,
  row: DeliveryWithKey,
  updateId: string,
  update: ChangeUpdate,
): Promise<ChangeAnswer> {
  const input: DeliveryWorkflowInput = {
    deliveryId: row.id,
    idempotencyKey: row.workflow_id,
    payloadHash: row.payload_hash,
    partnerId: row.partner_id,
    request: requestOf(row),
    createdAt: row.created_at,
    resumeFrom: {
      status: row.status,
      assignedTo: row.assigned_to,
      updatedAt: row.updated_at,
      failureReason: row.failure_reason,
      proof: row.proof,
      closedBy: await terminationOf(deps.temporal, row.workflow_id),
    },
  };
  const startWorkflowOperation = new WithStartWorkflowOperation(deliveryWorkflow, {
    ...deliveryStartOptions(deps.config, input),
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return deps.temporal.workflow.executeUpdateWithStart<
    typeof deliveryWorkflow,
    ChangeAnswer,
    [ChangeArgs]
  >(update.name, { args: [update.args], updateId, startWorkflowOperation });
}

function requestOf(row: Delivery): DeliveryWorkflowInput['request'] {
  const request: DeliveryWorkflowInput['request'] = {
    product_name: row.product_name,
    delivery_address: row.delivery_address,
    delivery_date: row.delivery_date,
  };
  if (row.recipient_name !== null) request.recipient_name = row.recipient_name;
  if (row.recipient_phone !== null) request.recipient_phone = row.recipient_phone;
  if (row.recipient_email !== null) request.recipient_email = row.recipient_email;
  if (row.dropoff_window !== null) request.dropoff_window = row.dropoff_window;
  if (row.notes !== null) request.notes = row.notes;
  if (row.proof_required) request.proof_required = true;
  return request;
}

const resetBy = (status: string) =>
  `An operator reset this delivery's workflow in Temporal: it is ${status} again`;

/**
 * The workflow refused on a state the row does not show yet: an operator's reset rewound it and
 * the run watcher is correcting the row. Say that, not the bare rule the rewound state broke.
 */
function rewound(delivery: Delivery, error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  const current = error.context['current_status'];
  if (typeof current !== 'string' || current === delivery.status) return error;
  return new DomainError(
    'invalid-transition',
    `${resetBy(current)}, not ${delivery.status} as shown. ${error.message}`,
    error.context,
  );
}

/**
 * An admin whose delivery a reset took away (the run watcher's `reconciled` event unassigned it)
 * hears why, instead of a 404 for a delivery they were just working on.
 */
async function lostToReset(db: Queryable, user: AuthUser, id: string, error: unknown) {
  if (user.role !== 'admin' || !(error instanceof DomainError) || error.code !== 'not-found') {
    return error;
  }
  const [last, before] = await lastTwoEvents(db, id);
  if (last?.type !== 'reconciled' || before?.assigned_to !== user.id) return error;
  return new DomainError(
    'invalid-transition',
    `${resetBy(last.to_status)}, and no longer assigned to you. A super admin can assign it again.`,
    { allowed: [], current_status: last.to_status },
  );
}

/**
 * Asks the delivery's workflow for a change. Its validator decides (actor and transition) before
 * anything is recorded; the answer is the delivery as the workflow left it, already stored. With
 * an Idempotency-Key the update ID is derived from it, so Temporal itself answers a repeat with
 * the original outcome; the request hash tells a repeat from a reuse of the key for another body.
 */
export async function changeDelivery(
  deps: DeliveryDeps,
  user: AuthUser,
  id: string,
  change: DeliveryChangeRequest,
  idempotencyHeader?: string,
): Promise<ChangedDelivery> {
  assertIdempotencyHeader(idempotencyHeader);
  // Past capacity, refused before any read: the refusal must stay fast when everything is slow.
  deps.admission.assertRoom('change', user.id);
  // Both reads at once; the delivery's 404 still comes before the assignee's 422.
  const [found, assignee] = await Promise.allSettled([
    findVisibleDelivery(deps.db, user, id),
    change.kind === 'assign' ? assertActiveAdmin(deps.db, change.adminId) : undefined,
  ]);
  if (found.status === 'rejected') throw await lostToReset(deps.db, user, id, found.reason);
  if (assignee.status === 'rejected') throw assignee.reason;
  const delivery = found.value;
  const outcome =
    change.kind === 'transition' ? await settleOutcome(deps.db, delivery, change) : {};
  const actor: Actor = { id: user.id, role: user.role };
  const base: ChangeArgs = {
    actor,
    requestId: randomUUID(),
    requestHash: sha256(canonicalJson(change)),
    // Only when there is one, so a signed-in caller's update keeps its usual shape.
    ...(user.apiKey ? { actorApiKeyId: user.apiKey.id } : {}),
  };
  const updateId = idempotencyHeader ? changeUpdateId(user.id, idempotencyHeader) : randomUUID();
  const update = changeUpdate(change, base, outcome);
  const handle = deps.temporal.workflow.getHandle(delivery.workflow_id);
  let answer: ChangeAnswer;
  try {
    answer = await deps.admission.admit('change', user.id, () =>
      withTemporalDeadline(deps, async () => {
        try {
          return await handle.executeUpdate<ChangeAnswer, [ChangeArgs]>(update.name, {
            args: [update.args],
            updateId,
          });
        } catch (error) {
          if (!isClosedRun(error)) throw error;
          const current = await findDeliveryByKey(deps.db, delivery.workflow_id);
          if (!current) throw notFound('The delivery');
          if (isTerminal(current.status)) throw closed(current);
          return resumeWith(deps, current, updateId, update);
        }
      }),
    );
  } catch (error) {
    throw rewound(delivery, deliveryErrorFrom(error));
  }
  if (answer.requestHash !== base.requestHash) {
    throw new DomainError(
      'idempotency-key-mismatch',
      'This Idempotency-Key was already used with a different request.',
    );
  }
  // The link as it is now: a revocation since a replayed answer must not bring the old one back.
  const trackingToken = delivery.tracking_token;
  return {
    delivery: { ...answer.delivery, tracking_token: trackingToken },
    replayed: answer.requestId !== base.requestId,
  };
}
