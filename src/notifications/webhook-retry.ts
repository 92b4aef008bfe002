/** How Temporal retries an activity, as far as the webhook log needs it to say when. */
export interface RetrySchedule {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** 0: no limit. */
  maximumAttempts: number;
  /** Epoch ms after which no attempt starts (schedule-to-close), or Infinity. */
  deadlineMs: number;
}

/**
 * When Temporal starts the attempt after failed attempt `attempt` (1-based): the initial
 * interval times the coefficient to the power of the retries so far, capped at the maximum; null
 * when there is none (attempts or time used up).
 */
export function nextRetryAt(schedule: RetrySchedule, attempt: number, nowMs: number): Date | null {
  if (schedule.maximumAttempts > 0 && attempt >= schedule.maximumAttempts) return null;
  const interval = Math.min(
    schedule.initialIntervalMs * schedule.backoffCoefficient ** (attempt - 1),
    schedule.maximumIntervalMs,
  );
  const at = nowMs + interval;
  return at < schedule.deadlineMs ? new Date(at) : null;
}
