import { ApplicationFailure } from '@temporalio/workflow';
import {
  rejectCommand,
  type Actor,
  type DeliveryCommand,
  type DeliveryParties,
} from '../domain/delivery-rules';
import type { DeliveryProof } from '../domain/delivery-events';
import { isTerminal, type DeliveryStatus } from '../domain/delivery-status';
import type { FailureReason } from '../domain/failure-reasons';
import type { Delivery } from '../schemas/deliveries';
import type { DeliveryWorkflowInput } from './delivery-messages';
import { deliveryView } from './delivery-view';

/** What the workflow knows of its delivery: changed only by a recorded event. */
export class DeliveryState {
  status: DeliveryStatus;
  assignedTo: string | null;
  updatedAt: string;
  failureReason: FailureReason | null;
  proof: DeliveryProof | null;
  /** The reason of the last recorded event: a FAILED or CANCELLED run closes with it. */
  lastReason: string | null = null;
  /** An operator's Request Cancellation cancelled it: the run closes as Canceled. */
  cancelledByOperator = false;

  constructor(readonly input: DeliveryWorkflowInput) {
    const resumed = input.resumeFrom;
    this.status = resumed?.status ?? 'CREATED';
    this.assignedTo = resumed?.assignedTo ?? null;
    this.updatedAt = resumed?.updatedAt ?? input.createdAt;
    this.failureReason = resumed?.failureReason ?? null;
    this.proof = resumed?.proof ?? null;
  }

  get terminal(): boolean {
    return isTerminal(this.status);
  }

  get awaitingAssignment(): boolean {
    return this.status === 'CREATED';
  }

  view(): Delivery {
    const { status, assignedTo, updatedAt, failureReason, proof } = this;
    return deliveryView(this.input, { status, assignedTo, updatedAt, failureReason, proof });
  }

  parties(): DeliveryParties {
    return { status: this.status, partnerId: this.input.partnerId, assignedTo: this.assignedTo };
  }
}

/**
 * Refuses a command the domain's rules (who may, then the transition table) do not allow from
 * `parties`; the API maps the failure's type to its problem and shows `allowed` and
 * `current_status` to the caller.
 */
export function refuseUnlessAllowed(
  actor: Actor,
  command: DeliveryCommand,
  parties: DeliveryParties,
): void {
  const rejection = rejectCommand(actor, parties, command);
  if (!rejection) return;
  throw ApplicationFailure.create({
    type: rejection.code,
    message: rejection.message,
    nonRetryable: true,
    details: [{ allowed: rejection.allowed, current_status: parties.status }],
  });
}
