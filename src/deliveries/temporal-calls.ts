import {
  ServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { DomainError, unavailable } from '../domain/errors';
import type { DeliveryDeps } from './deps';
import { DeadlineExceeded, withinTemporalDeadline } from '../temporal/deadline';
import { DELIVERY_FAILURE_TYPES } from '../workflows/delivery-messages';

const RETRY_AFTER_SECONDS = 5;
// gRPC status codes CANCELLED, DEADLINE_EXCEEDED and UNAVAILABLE.
const UNREACHABLE = [1, 4, 14];
const NOT_FOUND = 5;

/**
 * Runs Temporal calls under a deadline so a down or hung server or worker answers 503 within
 * `TEMPORAL_UPDATE_TIMEOUT_MS` instead of hanging. Whatever the workflow already accepted still
 * completes; a retry of the request finds it.
 */
export function withTemporalDeadline<T>(
  deps: Pick<DeliveryDeps, 'config' | 'temporal'>,
  call: () => Promise<T>,
): Promise<T> {
  return withinTemporalDeadline(deps.temporal, deps.config.TEMPORAL_UPDATE_TIMEOUT_MS, call);
}

function isUnreachable(error: unknown): boolean {
  if (error instanceof DeadlineExceeded) return true;
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const grpc = error instanceof ServiceError ? error.cause : error;
  if (isGrpcServiceError(grpc)) return UNREACHABLE.includes(grpc.code);
  return error instanceof ServiceError;
}

/** The run the call addressed has closed (completed, failed, terminated) or is gone. */
export function isClosedRun(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  const grpc = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(grpc) && grpc.code === NOT_FOUND;
}

/** Maps what a delivery workflow refused, or an unreachable Temporal, to domain errors. */
export function domainErrorFrom(error: unknown): unknown {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const { type, message, details } = error.cause;
    const code = DELIVERY_FAILURE_TYPES.find((t) => t === type);
    if (code) {
      const context = (details?.[0] ?? {}) as Record<string, unknown>;
      return new DomainError(code, message, context);
    }
  }
  if (isUnreachable(error)) {
    return unavailable(
      'The workflow service did not answer in time; retry the request.',
      RETRY_AFTER_SECONDS,
    );
  }
  return error;
}
