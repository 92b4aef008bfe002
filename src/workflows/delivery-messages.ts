import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/delivery-rules';
import type { AdminSettableStatus, DeliveryStatus } from '../domain/delivery-status';

export interface DeliveryRequest {
  product_name: string;
  delivery_address: string;
  delivery_date: string;
  recipient_name?: string | null;
  recipient_phone?: string | null;
  notes?: string | null;
}

/** Fixed by the first start; later update-with-start callers attach to the running workflow. */
export interface DeliveryWorkflowInput {
  deliveryId: string;
  idempotencyKey: string;
  payloadHash: string;
  partnerId: string;
  request: DeliveryRequest;
}

export interface DeliveryState {
  deliveryId: string;
  status: DeliveryStatus;
  partnerId: string;
  assignedTo: string | null;
}

export interface CreateArgs {
  /** Must equal the workflow's own: the same Idempotency-Key with another payload is refused. */
  payloadHash: string;
}

export interface CreateResult {
  delivery: DeliveryState;
  /** True only for the first create update the workflow ran: that caller answers 201. */
  created: boolean;
}

export interface AssignArgs {
  actor: Actor;
  adminId: string;
}

export interface TransitionArgs {
  actor: Actor;
  status: AdminSettableStatus;
  reason?: string | null;
}

export interface CancelArgs {
  actor: Actor;
  reason?: string | null;
}

/** Failure types the workflow throws; the API maps them to problem codes of the same name. */
export const DELIVERY_FAILURE_TYPES = [
  'invalid-transition',
  'forbidden',
  'idempotency-key-mismatch',
] as const;

export const createUpdate = defineUpdate<CreateResult, [CreateArgs]>('create');
export const assignUpdate = defineUpdate<DeliveryState, [AssignArgs]>('assign');
export const transitionUpdate = defineUpdate<DeliveryState, [TransitionArgs]>('transition');
export const cancelUpdate = defineUpdate<DeliveryState, [CancelArgs]>('cancel');
export const getDeliveryQuery = defineQuery<DeliveryState>('getDelivery');
