import type { Role } from './roles';

/** Who asks to see deliveries. */
export interface Viewer {
  id: string;
  role: Role;
}

/**
 * The deliveries a viewer may see, as data: the detail checks one delivery against it, the list
 * turns it into a WHERE clause, so both always agree.
 */
export type DeliveryScope =
  | { kind: 'all' }
  | { kind: 'partner'; partnerId: string }
  | { kind: 'assignee'; adminId: string }
  | { kind: 'none' };

export interface VisibleParties {
  partnerId: string;
  assignedTo: string | null;
}

const NOTHING: DeliveryScope = { kind: 'none' };

/**
 * A role added to ROLES fails to compile until this switch decides what it sees; a role that is
 * not in ROLES at run time (a stale token, a row written by hand) sees nothing.
 */
export function deliveryScope(viewer: Viewer): DeliveryScope {
  const role = viewer.role;
  switch (role) {
    case 'super_admin':
      return { kind: 'all' };
    case 'partner':
      return { kind: 'partner', partnerId: viewer.id };
    case 'admin':
      return { kind: 'assignee', adminId: viewer.id };
    default: {
      const unknown: never = role;
      void unknown;
      return NOTHING;
    }
  }
}

export function isInScope(scope: DeliveryScope, delivery: VisibleParties): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'partner':
      return delivery.partnerId === scope.partnerId;
    case 'assignee':
      return delivery.assignedTo !== null && delivery.assignedTo === scope.adminId;
    case 'none':
      return false;
    default: {
      const unknown: never = scope;
      void unknown;
      return false;
    }
  }
}

/** Who sees a delivery: its partner, its assigned admin, every super admin; nobody else. */
export const isDeliveryVisibleTo = (viewer: Viewer, delivery: VisibleParties): boolean =>
  isInScope(deliveryScope(viewer), delivery);
