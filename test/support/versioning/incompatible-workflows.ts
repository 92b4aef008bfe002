/**
 * "Version 2" of the workflows for the Worker Versioning test: the delivery workflow starts with a
 * timer that version 1 never scheduled, a change that fails any replay of a version-1 history (the
 * kind of change `patched()` exists for). Every other workflow is today's.
 */
import { sleep } from '@temporalio/workflow';
import { deliveryWorkflow as version1 } from '../../../src/workflows';
import type { Delivery } from '../../../src/schemas/deliveries';
import type { DeliveryWorkflowInput } from '../../../src/workflows/delivery-messages';

export * from '../../../src/workflows';

export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<Delivery> {
  const [delivery] = await Promise.all([version1(input), sleep('10 ms')]);
  return delivery;
}
