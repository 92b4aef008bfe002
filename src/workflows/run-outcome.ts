import { ApplicationFailure, CancelledFailure } from '@temporalio/workflow';
import type { Delivery } from '../schemas/deliveries';
import { DELIVERY_OUTCOME_FAILURES } from './delivery-messages';
import type { DeliveryState } from './delivery-state';

export const OPERATOR_CANCEL = 'Cancellation requested by an operator in Temporal (UI or CLI).';

/**
 * How the run of a finished delivery closes, so the Temporal UI's status column tells the
 * outcome at a glance: COMPLETED completes, FAILED and CANCELLED fail with their reason, an
 * operator's cancellation closes as Canceled.
 */
export function closeRun(state: DeliveryState): Delivery {
  const delivery = state.view();
  const reason = state.lastReason ?? 'no reason given';
  switch (delivery.status) {
    case 'COMPLETED':
      return delivery;
    case 'FAILED':
      throw ApplicationFailure.create({
        type: DELIVERY_OUTCOME_FAILURES.FAILED,
        message: `The delivery failed: ${reason}`,
        nonRetryable: true,
        details: [delivery],
      });
    case 'CANCELLED':
      if (state.cancelledByOperator) throw new CancelledFailure(OPERATOR_CANCEL);
      throw ApplicationFailure.create({
        type: DELIVERY_OUTCOME_FAILURES.CANCELLED,
        message: `The delivery was cancelled: ${reason}`,
        nonRetryable: true,
        details: [delivery],
      });
    case 'CREATED':
    case 'ASSIGNED':
    case 'IN_TRANSIT':
      throw new Error(`closeRun() called on a live delivery (${delivery.status})`);
    default: {
      const unknown: never = delivery.status;
      throw new Error(`Unknown status ${String(unknown)}`);
    }
  }
}
