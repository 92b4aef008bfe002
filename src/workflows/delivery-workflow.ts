import {
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { isTerminal } from '../domain/delivery-status';
import type { ReadModelActivities } from '../activities/read-model';
import {
  getDeliveryQuery,
  type DeliveryState,
  type DeliveryWorkflowInput,
} from './delivery-messages';
import { deliveryStatusKey, partnerIdKey } from './search-attributes';

const readModel = proxyActivities<ReadModelActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** One long-running workflow per delivery; its workflow ID is the idempotency key. */
export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryState> {
  const state: DeliveryState = {
    deliveryId: input.deliveryId,
    status: 'CREATED',
    partnerId: input.partnerId,
    assignedTo: null,
  };
  setHandler(getDeliveryQuery, () => state);
  upsertSearchAttributes([
    { key: deliveryStatusKey, value: state.status },
    { key: partnerIdKey, value: state.partnerId },
  ]);
  await readModel.recordDeliveryCreated(input);
  await condition(() => isTerminal(state.status));
  return state;
}
