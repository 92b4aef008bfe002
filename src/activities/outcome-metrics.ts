import { activityContext } from './context';

const DESCRIPTIONS = {
  email_outcomes: 'Email attempts by outcome (sent, outbox, sent-before, rejected, retrying)',
  webhook_outcomes:
    'Webhook attempts by outcome (delivered, settled-before, no-endpoint, endpoint-disabled, rejected, retrying)',
} as const;

/**
 * Counts one outbound attempt on the worker's metrics endpoint (the Temporal runtime's
 * Prometheus exporter, beside the SDK's own metrics). Outside an activity (unit tests) it is a
 * no-op.
 */
export function countOutcome(name: keyof typeof DESCRIPTIONS, outcome: string): void {
  activityContext()?.metricMeter.createCounter(name, '1', DESCRIPTIONS[name]).add(1, { outcome });
}
