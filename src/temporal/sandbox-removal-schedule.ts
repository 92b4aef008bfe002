import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { sandboxRemovalWorkflow } from '../workflows';
import { SANDBOX_REMOVAL_SCHEDULE_ID } from '../workflows/sandbox-removal-workflow';

/**
 * The hourly removal of expired sandbox deliveries, created by the first worker to start; later
 * workers find it and leave it as it is (an operator may have paused it in the Temporal UI).
 */
export async function ensureSandboxRemovalSchedule(
  client: Client,
  taskQueue: string,
): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: SANDBOX_REMOVAL_SCHEDULE_ID,
      spec: { intervals: [{ every: '1 hour' }] },
      action: {
        type: 'startWorkflow',
        workflowType: sandboxRemovalWorkflow,
        workflowId: SANDBOX_REMOVAL_SCHEDULE_ID,
        taskQueue,
        args: [],
      },
      policies: { overlap: 'SKIP' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
