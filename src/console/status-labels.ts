import type { DeliveryStatus } from '../domain/delivery-status';

/** Each status as the console names it (no DOM here: the unit tier reads it too). */
export const STATUS_LABELS: Record<DeliveryStatus, string> = {
  CREATED: 'Created',
  ASSIGNED: 'Assigned',
  IN_TRANSIT: 'In transit',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};
