import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DeliveryDeps } from '../deliveries/deps';
import { sha256 } from '../deliveries/idempotency';
import { canonicalJson } from '../domain/idempotency-key';
import { SANDBOX_COURIER_ID } from '../domain/sandbox';
import {
  assignUpdate,
  DELIVERY_FAILURE_TYPES,
  transitionUpdate,
  type ChangeArgs,
} from '../workflows/delivery-messages';
import type { CourierStep } from '../workflows/sandbox-courier-messages';

/** What a person's change would carry, from the courier; the update id makes a retry a repeat. */
function changeArgs(deliveryId: string, step: CourierStep, role: 'super_admin' | 'admin') {
  const name = step.kind === 'assign' ? 'assign' : step.status;
  const args: ChangeArgs = {
    actor: { id: SANDBOX_COURIER_ID, role },
    requestId: `sandbox-courier:${deliveryId}:${name}`,
    requestHash: sha256(canonicalJson(step)),
  };
  return args;
}

/** The delivery said no (a partner cancelled it meanwhile) or its run is over: the walk ends. */
function isRefusal(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  return (
    error instanceof WorkflowUpdateFailedError &&
    error.cause instanceof ApplicationFailure &&
    DELIVERY_FAILURE_TYPES.some((type) => type === (error.cause as ApplicationFailure).type)
  );
}

export function createSandboxCourierActivities(deps: DeliveryDeps) {
  return {
    /**
     * Sends the delivery workflow the update an admin's request would: the assignment to the
     * courier (as a super admin assigns), then its status changes (as the assigned admin).
     * False when the delivery refused it, so the courier stops rather than retry forever.
     */
    async moveSandboxDelivery(input: {
      deliveryId: string;
      workflowId: string;
      step: CourierStep;
    }): Promise<boolean> {
      const { deliveryId, workflowId, step } = input;
      const handle = deps.temporal.workflow.getHandle(workflowId);
      try {
        if (step.kind === 'assign') {
          const args = changeArgs(deliveryId, step, 'super_admin');
          await handle.executeUpdate(assignUpdate, {
            args: [{ ...args, adminId: SANDBOX_COURIER_ID }],
            updateId: args.requestId,
          });
        } else {
          const args = changeArgs(deliveryId, step, 'admin');
          await handle.executeUpdate(transitionUpdate, {
            args: [
              {
                ...args,
                status: step.status,
                ...(step.status === 'FAILED'
                  ? {
                      failureReason: step.failureReason,
                      reason: 'Simulated by the sandbox courier',
                    }
                  : {}),
              },
            ],
            updateId: args.requestId,
          });
        }
        return true;
      } catch (error) {
        if (isRefusal(error)) return false;
        throw error;
      }
    },
  };
}

export type SandboxCourierActivities = ReturnType<typeof createSandboxCourierActivities>;
