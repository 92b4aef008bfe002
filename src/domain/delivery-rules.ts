import type { Role } from './roles';
import {
  allowedNextStatuses,
  canTransition,
  OPEN_STATUSES,
  type DeliveryStatus,
} from './delivery-status';

/** Who asks for a change; the API passes the authenticated user, the workflow checks it. */
export interface Actor {
  id: string;
  role: Role;
}

export interface DeliveryParties {
  status: DeliveryStatus;
  partnerId: string;
  assignedTo: string | null;
}

export type DeliveryCommand =
  | { kind: 'assign'; adminId: string }
  | { kind: 'transition'; status: DeliveryStatus }
  | { kind: 'cancel' };

export interface Rejection {
  code: 'forbidden' | 'invalid-transition';
  message: string;
  allowed: readonly DeliveryStatus[];
}

export function targetStatus(command: DeliveryCommand): DeliveryStatus {
  if (command.kind === 'assign') return 'ASSIGNED';
  if (command.kind === 'cancel') return 'CANCELLED';
  return command.status;
}

/** Who may ask for which change: decided per role, so a new role may do nothing until decided. */
export function mayAct(actor: Actor, delivery: DeliveryParties, command: DeliveryCommand): boolean {
  switch (actor.role) {
    case 'super_admin':
      return true;
    case 'admin':
      return command.kind === 'transition' && actor.id === delivery.assignedTo;
    case 'partner':
      return command.kind === 'cancel' && actor.id === delivery.partnerId;
    default: {
      const unknown: never = actor.role;
      void unknown;
      return false;
    }
  }
}

const COMMAND_VERBS: Record<DeliveryCommand['kind'], string> = {
  assign: 'assign',
  transition: 'change the status of',
  cancel: 'cancel',
};

/** How a refusal names the caller: "An admin", not "A admin" or a role token. */
function roleInWords(role: Role): string {
  switch (role) {
    case 'super_admin':
      return 'A super admin';
    case 'admin':
      return 'An admin';
    case 'partner':
      return 'A partner';
    default: {
      const unknown: never = role;
      void unknown;
      return 'This caller';
    }
  }
}

/**
 * The one decision behind every change: the actor rules, then the transition table. Returns null
 * when the command may run. The workflow asks it in each update's validator and again under its
 * lock, because a validator runs before earlier accepted updates have finished.
 */
export function rejectCommand(
  actor: Actor,
  delivery: DeliveryParties,
  command: DeliveryCommand,
): Rejection | null {
  const allowed = allowedNextStatuses(delivery.status);
  if (!mayAct(actor, delivery, command)) {
    return {
      code: 'forbidden',
      message: `${roleInWords(actor.role)} may not ${COMMAND_VERBS[command.kind]} this delivery.`,
      allowed,
    };
  }
  const to = targetStatus(command);
  if (!canTransition(delivery.status, to)) {
    return {
      code: 'invalid-transition',
      message: `The delivery is ${delivery.status}; it cannot become ${to}.`,
      allowed,
    };
  }
  return null;
}

/** Why a photo may not be added to a delivery's proof now. */
export interface ProofPhotoRefusal {
  code: 'forbidden' | 'conflict';
  message: string;
}

/**
 * Who may add a photo for a delivery's proof, and when: whoever may complete it (its assigned
 * admin, a super admin), while it is open (ASSIGNED or IN_TRANSIT). Null when they may.
 */
export function rejectProofPhoto(
  actor: Actor,
  delivery: DeliveryParties,
): ProofPhotoRefusal | null {
  if (!mayAct(actor, delivery, { kind: 'transition', status: 'COMPLETED' })) {
    return {
      code: 'forbidden',
      message: `${roleInWords(actor.role)} may not add photos to this delivery.`,
    };
  }
  if (!(OPEN_STATUSES as readonly DeliveryStatus[]).includes(delivery.status)) {
    return {
      code: 'conflict',
      message: `Photos are added while a delivery is ${OPEN_STATUSES.join(' or ')}; this one is ${delivery.status}.`,
    };
  }
  return null;
}
