import { defineQuery } from '@temporalio/workflow';
import type { DeliveryStatus } from '../domain/delivery-status';

export interface DeliveryRequest {
  product_name: string;
  delivery_address: string;
  delivery_date: string;
  recipient_name?: string | null;
  recipient_phone?: string | null;
  notes?: string | null;
}

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

export const getDeliveryQuery = defineQuery<DeliveryState>('getDelivery');
