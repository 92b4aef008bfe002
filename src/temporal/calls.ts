import {
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
  type Client,
} from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Config } from '../config';
import { unavailable } from '../domain/errors';
import { DeadlineExceeded, withinTemporalDeadline } from './deadline';

const RETRY_AFTER_SECONDS = 5;
// gRPC status codes CANCELLED, DEADLINE_EXCEEDED and UNAVAILABLE.
const UNREACHABLE = [1, 4, 14];
const NOT_FOUND = 5;

/** What a use case needs to call Temporal within the configured deadline. */
export interface TemporalCallDeps {
  config: Pick<Config, 'TEMPORAL_UPDATE_TIMEOUT_MS'>;
  temporal: Client;
}

/**
 * Runs Temporal calls under a deadline so a down or hung server or worker answers 503 within
 * `TEMPORAL_UPDATE_TIMEOUT_MS` instead of hanging. Whatever the workflow already accepted still
 * completes; a retry of the request finds it.
 */
export function withTemporalDeadline<T>(
  deps: TemporalCallDeps,
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

/** Maps an unreachable or hung Temporal to the domain's `unavailable`; other errors pass through. */
export function domainErrorFrom(error: unknown): unknown {
  if (isUnreachable(error)) {
    return unavailable(
      'The workflow service did not answer in time; retry the request.',
      RETRY_AFTER_SECONDS,
    );
  }
  return error;
}
