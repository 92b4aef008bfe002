/**
 * The delivery state machine: one pure table imported by the workflow (which enforces it) and the
 * API (which explains it). Safe for the workflow sandbox: no I/O, no clock, no Node built-ins.
 */
export const DELIVERY_STATUSES = [
  'CREATED',
  'ASSIGNED',
  'IN_TRANSIT',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Statuses in which a delivery is in its assignee's hands: the admin's workload. */
export const OPEN_STATUSES = [
  'ASSIGNED',
  'IN_TRANSIT',
] as const satisfies readonly DeliveryStatus[];

/** Statuses an admin may set through the status endpoint. */
export const ADMIN_SETTABLE_STATUSES = ['IN_TRANSIT', 'COMPLETED', 'FAILED'] as const;
export type AdminSettableStatus = (typeof ADMIN_SETTABLE_STATUSES)[number];

// ASSIGNED → ASSIGNED is a reassignment to another admin.
const NEXT: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  CREATED: ['ASSIGNED', 'CANCELLED'],
  ASSIGNED: ['ASSIGNED', 'IN_TRANSIT', 'CANCELLED'],
  IN_TRANSIT: ['COMPLETED', 'FAILED'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

export function allowedNextStatuses(from: DeliveryStatus): readonly DeliveryStatus[] {
  return NEXT[from];
}

export function canTransition(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return NEXT[from].includes(to);
}

export function isTerminal(status: DeliveryStatus): boolean {
  return NEXT[status].length === 0;
}
