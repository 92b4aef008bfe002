import { proxyActivities, sleep } from '@temporalio/workflow';
import type { SandboxCourierActivities } from '../activities/sandbox-courier';
import { sandboxOutcome, SANDBOX_STEP_SECONDS } from '../domain/sandbox';
import type { CourierStep, SandboxCourierInput } from './sandbox-courier-messages';

const { moveSandboxDelivery } = proxyActivities<SandboxCourierActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

function stepsFor(productName: string): CourierStep[] {
  const outcome = sandboxOutcome(productName);
  const last: CourierStep =
    outcome.status === 'FAILED'
      ? { kind: 'transition', status: 'FAILED', failureReason: outcome.reason }
      : { kind: 'transition', status: 'COMPLETED' };
  return [{ kind: 'assign' }, { kind: 'transition', status: 'IN_TRANSIT' }, last];
}

const stepSummary = (step: CourierStep) =>
  step.kind === 'assign' ? 'Assign to the sandbox courier' : `Move to ${step.status}`;

/**
 * Walks a sandbox delivery through what a real one goes through (issue 21): assigned, in
 * transit, then completed, or failed when its product name says `[fail]` or `[fail:<reason>]`,
 * a few seconds apart, through the delivery workflow's own updates, so the partner's webhooks
 * and tracking page see what a real delivery produces. Stops when the delivery refuses a step
 * (a partner cancelled it).
 */
export async function sandboxCourierWorkflow(input: SandboxCourierInput): Promise<string> {
  for (const step of stepsFor(input.productName)) {
    await sleep(`${SANDBOX_STEP_SECONDS} seconds`);
    const moved = await moveSandboxDelivery.executeWithOptions({ summary: stepSummary(step) }, [
      { deliveryId: input.deliveryId, workflowId: input.workflowId, step },
    ]);
    if (!moved) return `Stopped before: ${stepSummary(step)}`;
  }
  return 'Walked through';
}
