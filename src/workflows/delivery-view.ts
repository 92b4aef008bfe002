import type { DeliveryStatus } from '../domain/delivery-status';
import type { Delivery } from '../schemas/deliveries';
import type { DeliveryWorkflowInput } from './delivery-messages';

export interface DeliveryStateFields {
  status: DeliveryStatus;
  assignedTo: string | null;
  updatedAt: string;
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
    notes: request.notes ?? null,
    partner_id: input.partnerId,
    assigned_to: state.assignedTo,
    created_at: input.createdAt,
    updated_at: state.updatedAt,
  };
}
