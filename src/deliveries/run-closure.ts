import type { Client } from '@temporalio/client';
import type { RunClosure } from '../workflows/delivery-messages';

/**
 * The operator's Terminate that closed a run (the last run when `runId` is left out), read from
 * its last history event (one event, newest first), so its reason reaches the timeline; null for
 * any other ending. A Reset closes the run it replaces the same way, with the reset's reason.
 */
export async function terminationOf(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<RunClosure | null> {
  try {
    const { history } = await client.workflowService.getWorkflowExecutionHistoryReverse({
      namespace: client.options.namespace,
      execution: runId ? { workflowId, runId } : { workflowId },
      maximumPageSize: 1,
    });
    const terminated = history?.events?.[0]?.workflowExecutionTerminatedEventAttributes;
    return terminated
      ? { identity: terminated.identity ?? '', reason: terminated.reason ?? '' }
      : null;
  } catch {
    return null; // the timeline then says only that an operator closed the run
  }
}
