import { FAILURE_REASONS, type FailureReason } from './failure-reasons';

/**
 * The simulated courier of sandbox deliveries (issue 21): an inactive admin account (it cannot
 * sign in and no workload counts it), created by the migration 20261207170100_sandbox_courier,
 * so a sandbox delivery is assigned to someone as a real one is. Safe for the workflow sandbox.
 */
export const SANDBOX_COURIER_ID = '00000000-0000-4000-8000-5a4db0c0e71e';

/** Days a finished sandbox delivery is kept before the hourly removal deletes it. */
export const SANDBOX_RETENTION_DAYS = 7;

/** Seconds the simulated courier waits before each step. */
export const SANDBOX_STEP_SECONDS = 3;

const FAIL_MARKER = /\[fail(?::([a-z_]+))?\]/;

/**
 * How a sandbox delivery ends, from its product name: `[fail]` fails it (`other`),
 * `[fail:address_not_found]` with that catalogue reason; anything else completes it.
 */
export function sandboxOutcome(
  productName: string,
): { status: 'COMPLETED' } | { status: 'FAILED'; reason: FailureReason } {
  const match = FAIL_MARKER.exec(productName);
  if (!match) return { status: 'COMPLETED' };
  const named = FAILURE_REASONS.find((reason) => reason === match[1]);
  return { status: 'FAILED', reason: named ?? 'other' };
}
