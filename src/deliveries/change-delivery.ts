import { WorkflowNotFoundError } from '@temporalio/common';
import type { AppDeps } from '../api/deps';
import type { AuthUser } from '../api/route';
import { findDeliveryById, isVisibleTo, type StoredDelivery } from '../db/repositories/deliveries';
import { findUserById } from '../db/repositories/users';
import { DomainError, notFound, unprocessable } from '../domain/errors';
import type { AdminSettableStatus } from '../domain/delivery-status';
import { isTerminal } from '../domain/delivery-status';
import type { Actor } from '../domain/delivery-rules';
import { assignUpdate, cancelUpdate, transitionUpdate } from '../workflows/delivery-messages';
import { domainErrorFrom, withTemporalDeadline } from './temporal-calls';

export type DeliveryChangeRequest =
  | { kind: 'assign'; adminId: string }
  | { kind: 'transition'; status: AdminSettableStatus; reason: string | null }
  | { kind: 'cancel'; reason: string | null };

/** A delivery the caller may see, or 404: existence is not revealed to others. */
export async function findVisibleDelivery(user: AuthUser, id: string): Promise<StoredDelivery> {
  const delivery = await findDeliveryById(id);
  if (!delivery || !isVisibleTo(delivery, user)) throw notFound('The delivery');
  return delivery;
}

const closed = (delivery: StoredDelivery) =>
  new DomainError(
    'invalid-transition',
    `The delivery is ${delivery.status} and can no longer change.`,
    {
      allowed: [],
      current_status: delivery.status,
    },
  );

async function assertActiveAdmin(adminId: string): Promise<void> {
  const admin = await findUserById(adminId);
  if (!admin || admin.role !== 'admin' || !admin.is_active) {
    throw unprocessable('The assignee must be an active admin.', { field: 'admin_id' });
  }
}

function sendUpdate(
  deps: AppDeps,
  workflowId: string,
  actor: Actor,
  change: DeliveryChangeRequest,
) {
  const handle = deps.temporal.workflow.getHandle(workflowId);
  return withTemporalDeadline(deps, () => {
    if (change.kind === 'assign') {
      return handle.executeUpdate(assignUpdate, { args: [{ actor, adminId: change.adminId }] });
    }
    if (change.kind === 'cancel') {
      return handle.executeUpdate(cancelUpdate, { args: [{ actor, reason: change.reason }] });
    }
    return handle.executeUpdate(transitionUpdate, {
      args: [{ actor, status: change.status, reason: change.reason }],
    });
  });
}

/**
 * Asks the delivery's workflow for a change. Its validator decides (actor and transition) before
 * anything is recorded; once the update returns, the read model already holds the change.
 */
export async function changeDelivery(
  deps: AppDeps,
  user: AuthUser,
  id: string,
  change: DeliveryChangeRequest,
): Promise<StoredDelivery> {
  const delivery = await findVisibleDelivery(user, id);
  if (change.kind === 'assign') await assertActiveAdmin(change.adminId);
  // The workflow of a finished delivery has closed (and may be gone after retention).
  if (isTerminal(delivery.status)) throw closed(delivery);
  try {
    await sendUpdate(deps, delivery.workflow_id, { id: user.id, role: user.role }, change);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError)
      throw closed((await findDeliveryById(id)) ?? delivery);
    throw domainErrorFrom(error);
  }
  const updated = await findDeliveryById(id);
  if (!updated) throw notFound('The delivery');
  return updated;
}
