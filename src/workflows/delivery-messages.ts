import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { DeliveryProof } from '../domain/delivery-events';
import type { Actor } from '../domain/delivery-rules';
import type { FailureReason } from '../domain/failure-reasons';
import type { AdminSettableStatus, DeliveryStatus } from '../domain/delivery-status';
import type { DispatchSettings } from '../domain/dispatch';
import type { CreateDeliveryRequest, Delivery } from '../schemas/deliveries';

/** The request as the API accepted it, its date settled (a window's end date when not given). */
export type DeliveryRequest = CreateDeliveryRequest & { delivery_date: string };

/** Where a run starts from when an operator closed the previous run of a live delivery. */
export interface ResumedState {
  status: DeliveryStatus;
  assignedTo: string | null;
  updatedAt: string;
  /** Absent in runs resumed before failure codes and proofs existed. */
  failureReason?: FailureReason | null;
  proof?: DeliveryProof | null;
  /** How the previous run ended, as Temporal recorded it (absent in runs resumed before). */
  closedBy?: RunClosure | null;
}

/** An operator's Terminate: who (the client identity Temporal recorded) and the reason typed. */
export interface RunClosure {
  identity: string;
  reason: string;
}

/**
 * When the delivery misses its deadlines (ISO instants, computed by the API from ASSIGNMENT_SLA
 * and BUSINESS_TIMEZONE when it starts the run, so the workflow needs no clock arithmetic).
 */
export interface DeliveryDeadlines {
  /** Still CREATED at this instant: the assignment SLA is missed. */
  assignBy: string;
  /** Not terminal at this instant (the end of `delivery_date` in `timeZone`): overdue. */
  dueBy: string;
  timeZone: string;
  /**
   * What missing `dueBy` records: `delivery_late` when it is a drop-off window's end (absent in
   * runs started before windows existed: `delivery_overdue`).
   */
  dueEvent?: 'delivery_overdue' | 'delivery_late';
}

/** Fixed by the start; the workflow ID is `idempotencyKey`. */
export interface DeliveryWorkflowInput {
  deliveryId: string;
  idempotencyKey: string;
  payloadHash: string;
  partnerId: string;
  request: DeliveryRequest;
  /** When the API accepted the request: the row's `created_at`, whoever writes the row. */
  createdAt: string;
  resumeFrom?: ResumedState | null;
  /** The partner's API key that asked for the delivery, named on its `created` event. */
  actorApiKeyId?: string;
  /** Absent in runs started before durable deadlines existed. */
  deadlines?: DeliveryDeadlines;
  /**
   * The dispatch settings in force when the API accepted it (issue 20): `auto` offers it to
   * admins (`dispatch.ts`). Absent in manual mode and in runs started before auto-dispatch.
   */
  dispatch?: DispatchSettings;
  /**
   * Created with a sandbox key (issue 21): no recipient email. Absent for live deliveries and in
   * runs started before the sandbox, so their input keeps its shape.
   */
  sandbox?: true;
}

/** Every change carries who asks and, for idempotent repeats, what was asked. */
export interface ChangeArgs {
  actor: Actor;
  /** Unique per HTTP request: a repeat answered by Temporal carries the original one. */
  requestId: string;
  /** Hash of the action and body: a repeat with another body is told apart by it. */
  requestHash: string;
  reason?: string | null;
  /** The partner's API key that asked (a partner's cancel), named on the change's event. */
  actorApiKeyId?: string;
}

export interface AssignArgs extends ChangeArgs {
  adminId: string;
}

export interface TransitionArgs extends ChangeArgs {
  status: AdminSettableStatus;
  /** FAILED's code from the catalogue (absent in updates sent before the catalogue existed). */
  failureReason?: FailureReason;
  /** COMPLETED's proof, its attachments as the API found them stored for this delivery. */
  proof?: DeliveryProof;
}

export type CancelArgs = ChangeArgs;

/** The delivery as the API shows it right after the change, and which request made it. */
export interface ChangeAnswer {
  delivery: Delivery;
  requestId: string;
  requestHash: string;
}

/** Failure types the workflow throws; the API maps them to problem codes of the same name. */
export const DELIVERY_FAILURE_TYPES = [
  'invalid-transition',
  'forbidden',
  'offer-not-pending',
] as const;

/** Failure types a finished delivery's run closes with, so the Temporal UI shows the outcome. */
export const DELIVERY_OUTCOME_FAILURES = {
  FAILED: 'DeliveryFailed',
  CANCELLED: 'DeliveryCancelled',
} as const;

export const assignUpdate = defineUpdate<ChangeAnswer, [AssignArgs]>('assign');
export const transitionUpdate = defineUpdate<ChangeAnswer, [TransitionArgs]>('transition');
export const cancelUpdate = defineUpdate<ChangeAnswer, [CancelArgs]>('cancel');
/** The offered admin's answer (POST /deliveries/{id}/offer/accept or …/decline). */
export type OfferAnswerArgs = ChangeArgs;

export const acceptOfferUpdate = defineUpdate<ChangeAnswer, [OfferAnswerArgs]>('acceptOffer');
export const declineOfferUpdate = defineUpdate<ChangeAnswer, [OfferAnswerArgs]>('declineOffer');
export const getDeliveryQuery = defineQuery<Delivery>('getDelivery');
