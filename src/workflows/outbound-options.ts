import type { ActivityOptions } from '@temporalio/workflow';

/**
 * How every workflow calls an activity that reaches outside (`sendEmail`, `deliverWebhook`):
 * quick first retries for blips (a 500, a 429), backing off to one try every ten minutes, for up
 * to a day. Permanent failures are non-retryable and stop at once whatever this says.
 */
export const OUTBOUND_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  // A worker lost mid-send is noticed this soon: email activities heartbeat before each Postmark
  // request and every single request gives up sooner (Postmark 10 s, webhooks 10 s).
  heartbeatTimeout: '15 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};
