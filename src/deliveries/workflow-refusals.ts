import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError } from '../domain/errors';
import { domainErrorFrom } from '../temporal/calls';
import { DELIVERY_FAILURE_TYPES } from '../workflows/delivery-messages';

/** Maps what a delivery workflow refused, or an unreachable Temporal, to domain errors. */
export function deliveryErrorFrom(error: unknown): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const { type, message, details } = error.cause;
    const code = DELIVERY_FAILURE_TYPES.find((t) => t === type);
    if (code) {
      const context = (details?.[0] ?? {}) as Record<string, unknown>;
      return new DomainError(code, message, context);
    }
  }
  return domainErrorFrom(error);
}
