import type { Client, WorkflowStartOptions } from '@temporalio/client';
import type { Config } from '../config';
import { deliveryWorkflow } from '../workflows';
import { deliveryDeadlines } from './deadlines';
import type { DeliveryWorkflowInput } from '../workflows/delivery-messages';
import { deliveryDetails, deliverySummary } from '../workflows/delivery-presentation';
import { initialSearchAttributes } from '../workflows/search-attributes';

/** What a racing request needs to answer a creation another request started. */
export interface DeliveryRunMemo {
  payloadHash: string;
  createdAt: string;
  /** So a racing request writes the row's `created` event with the first request's key. */
  actorApiKeyId?: string;
}

const WORKFLOW_TASK_TIMEOUT = '5 seconds';

const deliveryApiUrl = (config: Config, deliveryId: string) =>
  `${config.PUBLIC_URL}/api/v1/deliveries/${deliveryId}`;

/**
 * How every run of a delivery workflow starts: the key as workflow ID (Temporal refuses a
 * second run while one is open), the summary and details ops read in the Temporal UI, and the
 * search attributes they filter on. A run closed by an operator (terminated, failed) may be
 * followed by another; a completed one may not.
 */
export function deliveryStartOptions(
  config: Config,
  input: DeliveryWorkflowInput,
): WorkflowStartOptions<typeof deliveryWorkflow> {
  const memo: DeliveryRunMemo = { payloadHash: input.payloadHash, createdAt: input.createdAt };
  if (input.actorApiKeyId !== undefined) memo.actorApiKeyId = input.actorApiKeyId;
  return {
    workflowId: input.idempotencyKey,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [
      {
        ...input,
        deadlines: input.deadlines ?? deliveryDeadlines(config, input.createdAt, input.request),
      },
    ],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    // A task lost with its worker is retried elsewhere after this, well inside the API's
    // deadline (TEMPORAL_UPDATE_TIMEOUT_MS, 10 s); see "Recovery in seconds" in the architecture.
    workflowTaskTimeout: WORKFLOW_TASK_TIMEOUT,
    memo: { ...memo },
    staticSummary: deliverySummary(input.request),
    staticDetails: deliveryDetails({
      deliveryId: input.deliveryId,
      partnerId: input.partnerId,
      apiUrl: deliveryApiUrl(config, input.deliveryId),
      request: input.request,
    }),
    typedSearchAttributes: initialSearchAttributes({
      deliveryId: input.deliveryId,
      partnerId: input.partnerId,
      deliveryDate: input.request.delivery_date,
      status: input.resumeFrom?.status ?? 'CREATED',
      assignedTo: input.resumeFrom?.assignedTo ?? null,
    }),
  };
}

export async function startDeliveryRun(
  client: Client,
  config: Config,
  input: DeliveryWorkflowInput,
): Promise<void> {
  await client.workflow.start(deliveryWorkflow, deliveryStartOptions(config, input));
}
