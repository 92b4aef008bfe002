import { proxyActivities } from '@temporalio/workflow';
import type { SandboxRemovalActivities } from '../activities/sandbox-removal';

const { removeSandboxDeliveries } = proxyActivities<SandboxRemovalActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** The schedule id of the hourly removal of expired sandbox deliveries (issue 21). */
export const SANDBOX_REMOVAL_SCHEDULE_ID = 'sandbox-removal';

/** Run by the `sandbox-removal` schedule: removes sandbox deliveries past their 7 days. */
export async function sandboxRemovalWorkflow(): Promise<number> {
  return removeSandboxDeliveries.executeWithOptions(
    { summary: 'Remove finished sandbox deliveries older than 7 days' },
    [],
  );
}
