import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type WorkflowHandle } from '@temporalio/client';
import { deliveryWorkflow } from '../../src/workflows';
import {
  createUpdate,
  type CreateResult,
  type DeliveryWorkflowInput,
} from '../../src/workflows/delivery-messages';
import { stack } from './stack';
import { createUser } from './users';

export interface StartedDelivery {
  handle: WorkflowHandle<typeof deliveryWorkflow>;
  input: DeliveryWorkflowInput;
  created: CreateResult;
}

export function deliveryInput(partnerId: string): DeliveryWorkflowInput {
  const deliveryId = randomUUID();
  return {
    deliveryId,
    idempotencyKey: `test-delivery-${deliveryId}`,
    payloadHash: `hash-${deliveryId}`,
    partnerId,
    request: {
      product_name: 'Espresso machine',
      delivery_address: '1 Main St',
      delivery_date: '2030-01-01',
    },
  };
}

/** Starts a delivery workflow with update-with-start, as the API does, for a fresh partner. */
export async function startDelivery(
  partnerId?: string,
  taskQueue = stack().taskQueue,
): Promise<StartedDelivery> {
  const { client } = stack();
  const input = deliveryInput(partnerId ?? (await createUser({ role: 'partner' })).user.id);
  const startWorkflowOperation = new WithStartWorkflowOperation(deliveryWorkflow, {
    workflowId: input.idempotencyKey,
    taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [input],
  });
  const created = await client.workflow.executeUpdateWithStart(createUpdate, {
    args: [{ payloadHash: input.payloadHash }],
    startWorkflowOperation,
  });
  const handle = await startWorkflowOperation.workflowHandle();
  return { handle, input, created };
}

/** A valid creation body, unique per call so tests never share an idempotency key. */
export function deliveryBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    product_name: `Espresso machine ${randomUUID()}`,
    delivery_address: '1 Main St, Springfield',
    delivery_date: '2030-01-01',
    recipient_name: 'Ada Lovelace',
    ...overrides,
  };
}
