import type { DeliveryProof } from '../domain/delivery-events';
import type { DeliveryStatus } from '../domain/delivery-status';
import type { FailureReason } from '../domain/failure-reasons';
import type { Delivery } from '../schemas/deliveries';
import type { DeliveryWorkflowInput } from './delivery-messages';

export interface DeliveryStateFields {
  status: DeliveryStatus;
  assignedTo: string | null;
  updatedAt: string;
  failureReason: FailureReason | null;
  proof: DeliveryProof | null;
}

/**
 * The delivery as the API shows it, from the workflow's input and state. The workflow answers
 * updates with it and the API answers a create with it, so neither re-reads the row.
 */
export function deliveryView(input: DeliveryWorkflowInput, state: DeliveryStateFields): Delivery {
  const { request } = input;
  return {
    id: input.deliveryId,
    workflow_id: input.idempotencyKey,
    status: state.status,
    product_name: request.product_name,
    delivery_address: request.delivery_address,
    delivery_date: request.delivery_date,
    recipient_name: request.recipient_name ?? null,
    recipient_phone: request.recipient_phone ?? null,
    dropoff_window: request.dropoff_window ?? null,
    recipient_email: request.recipient_email ?? null,
    notes: request.notes ?? null,
    proof_required: request.proof_required ?? false,
    sandbox: input.sandbox ?? false,
    partner_id: input.partnerId,
    assigned_to: state.assignedTo,
    failure_reason: state.failureReason,
    proof: state.proof,
    created_at: input.createdAt,
    updated_at: state.updatedAt,
  };
}
