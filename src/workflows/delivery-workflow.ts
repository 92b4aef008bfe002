import {
  allHandlersFinished,
  CancellationScope,
  condition,
  currentUpdateInfo,
  log,
  setDefaultSignalHandler,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { DeadlineEventType, DeliveryEventDetails } from '../domain/delivery-events';
import { targetStatus, type DeliveryCommand } from '../domain/delivery-rules';
import { canTransition } from '../domain/delivery-status';
import type { Delivery } from '../schemas/deliveries';
import { ChangeQueue } from './change-queue';
import { createdEventKey } from './delivery-event';
import { watchDeadlines } from './delivery-deadlines';
import { Dispatch } from './dispatch';
import {
  acceptOfferUpdate,
  assignUpdate,
  cancelUpdate,
  declineOfferUpdate,
  getDeliveryQuery,
  transitionUpdate,
  type AssignArgs,
  type ChangeAnswer,
  type ChangeArgs,
  type DeliveryWorkflowInput,
  type RunClosure,
  type TransitionArgs,
} from './delivery-messages';
import { DeliveryState } from './delivery-state';
import { closeRun, OPERATOR_CANCEL } from './run-outcome';
import { Timeline } from './timeline';

const assign = (a: AssignArgs): DeliveryCommand => ({ kind: 'assign', adminId: a.adminId });
const transition = (a: TransitionArgs): DeliveryCommand => ({
  kind: 'transition',
  status: a.status,
});
const cancel = (): DeliveryCommand => ({ kind: 'cancel' });
/** The update's ID names its event, so a re-applied update (after a reset) adds none. */
const updateIdNow = () => currentUpdateInfo()?.id ?? `${workflowInfo().historyLength}`;

/** The `resumed` event's reason: the operator's own words when Temporal kept them. */
function resumedBecause(closedBy: RunClosure | null | undefined): string {
  if (!closedBy) {
    return 'The previous workflow run was closed by an operator; this run resumes from the stored state.';
  }
  const said = closedBy.reason ? `: "${closedBy.reason}"` : ' (no reason given)';
  return `An operator (${closedBy.identity || 'unknown'}) terminated the previous workflow run${said}; this run resumes from the stored state.`;
}

/** What a FAILED or COMPLETED change adds to its event (nothing for the other changes). */
function detailsOf(args: ChangeArgs & Partial<TransitionArgs>): { details?: DeliveryEventDetails } {
  const details: DeliveryEventDetails = {};
  if (args.failureReason) details.failure_reason = args.failureReason;
  if (args.proof) details.proof = args.proof;
  return Object.keys(details).length > 0 ? { details } : {};
}

const EVENT_OF_COMMAND = {
  assign: 'assigned',
  transition: 'status_changed',
  cancel: 'cancelled',
} as const satisfies Record<DeliveryCommand['kind'], string>;

/**
 * One long-running workflow per delivery; its workflow ID is the idempotency key. The state
 * machine itself is `src/domain/delivery-status.ts` (shared with the API); this file is every
 * message the workflow takes, the transition it asks for and what recording it schedules:
 * the record local activity (row, timeline event, in-app notifications; durable before an update
 * answers), then the emails and webhooks it planned, as activities the update does not wait for.
 * Changes run one at a time (`ChangeQueue`). Keep it replay-compatible: guard a new command
 * sequence with `patched('<id>')` and keep `test/replay/histories/` passing.
 */
export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<Delivery> {
  const state = new DeliveryState(input);
  const timeline = new Timeline(state);
  const changes = new ChangeQueue(state);
  const dispatch = new Dispatch(state, changes, (event) => timeline.record(event));
  const { deliveryId } = input;
  const run = workflowInfo().originalExecutionRunId;

  // First, before any message runs: `created` (the API wrote the same row and event; whichever
  // is second writes nothing), or `resumed` when an operator closed the previous run.
  const begun = changes.exclusive(() =>
    input.resumeFrom
      ? timeline.record({
          // The original run ID survives a reset, so a reset run writes the same key again.
          eventKey: `${deliveryId}:resumed:${run}`,
          type: 'resumed',
          actor: null,
          reason: resumedBecause(input.resumeFrom.closedBy),
          toStatus: state.status,
          assignedTo: state.assignedTo,
        })
      : timeline.record({
          eventKey: createdEventKey(deliveryId),
          type: 'created',
          actor: { id: input.partnerId, role: 'partner' },
          actorApiKeyId: input.actorApiKeyId ?? null,
          reason: null,
          toStatus: 'CREATED',
          assignedTo: null,
        }),
  );

  setHandler(getDeliveryQuery, () => state.view(), {
    description: 'The delivery as the API shows it',
  });

  // assign: CREATED | ASSIGNED → ASSIGNED, by a super admin → `assigned` (nothing to record when
  // that admin already holds it); the admin, the admin it replaces and the partner hear of it.
  setHandler(assignUpdate, (a) => change(a, assign(a)), {
    validator: (a) => changes.validate(a.actor, assign(a)),
    description: 'Assign or reassign to an admin (POST /deliveries/{id}/assign)',
  });

  // transition: ASSIGNED → IN_TRANSIT → COMPLETED | FAILED, by the assignee → `status_changed`.
  setHandler(transitionUpdate, (a) => change(a, transition(a)), {
    validator: (a) => changes.validate(a.actor, transition(a)),
    description: 'Move to IN_TRANSIT, COMPLETED or FAILED (POST /deliveries/{id}/status)',
  });

  // cancel: CREATED | ASSIGNED → CANCELLED, by the partner or a super admin → `cancelled`.
  setHandler(cancelUpdate, (a) => change(a, cancel()), {
    validator: (a) => changes.validate(a.actor, cancel()),
    description: 'Cancel before transit (POST /deliveries/{id}/cancel)',
  });

  // Auto-dispatch (`dispatch.ts`): the offered admin accepts (→ `assigned`, as assign does) or
  // declines (→ `offer_declined`, and the next candidate is offered).
  setHandler(acceptOfferUpdate, (a) => dispatch.accept(a, `${deliveryId}:${updateIdNow()}`), {
    validator: (a) => void dispatch.openOfferOf(a.actor),
    description: 'Accept the offer made to you (POST /deliveries/{id}/offer/accept)',
  });
  setHandler(declineOfferUpdate, (a) => dispatch.decline(a, `${deliveryId}:${updateIdNow()}`), {
    validator: (a) => void dispatch.openOfferOf(a.actor),
    description: 'Decline the offer made to you (POST /deliveries/{id}/offer/decline)',
  });

  // Signals: the workflow defines none (Send Signal in the Temporal UI changes nothing).
  setDefaultSignalHandler((signal) => {
    log.warn('The delivery workflow defines no signals; this one is ignored', { signal });
  });

  /** An accepted update's change, re-checked in its turn: a racing change may have run first. */
  function change(args: ChangeArgs, command: DeliveryCommand): Promise<ChangeAnswer> {
    const updateId = updateIdNow();
    // A manual assignment or a cancel takes a pending offer back from its admin.
    const withdrawn = dispatch.claimFor(command);
    return changes.inTurn(command, async () => {
      await dispatch.recordWithdrawal(
        withdrawn,
        `${deliveryId}:${updateId}:offer-withdrawn`,
        `Withdrawn: ${EVENT_OF_COMMAND[command.kind]} by ${args.actor.role} ${args.actor.id}.`,
      );
      changes.recheck(args.actor, command);
      const assignedTo = command.kind === 'assign' ? command.adminId : state.assignedTo;
      if (!(command.kind === 'assign' && assignedTo === state.assignedTo)) {
        await timeline.record({
          eventKey: `${deliveryId}:${updateId}`,
          type: EVENT_OF_COMMAND[command.kind],
          actor: args.actor,
          actorApiKeyId: args.actorApiKeyId ?? null,
          reason: args.reason ?? null,
          toStatus: targetStatus(command),
          assignedTo,
          ...detailsOf(args),
        });
      }
      return { delivery: state.view(), requestId: args.requestId, requestHash: args.requestHash };
    });
  }

  /**
   * Request Cancellation (Temporal UI or CLI): the cancel endpoint's rules. Before transit →
   * `cancelled` and the run closes as Canceled; in transit → `cancel_refused`, still movable.
   */
  const operatorCancel = () =>
    changes.exclusive(async () => {
      if (state.terminal) return;
      const eventKey = `${deliveryId}:cancel-request:${run}`;
      const { status, assignedTo } = state;
      if (!canTransition(status, 'CANCELLED')) {
        const reason = `${OPERATOR_CANCEL} Refused: a delivery ${status} cannot be cancelled.`;
        const type = 'cancel_refused';
        await timeline.record({
          eventKey,
          type,
          actor: null,
          reason,
          toStatus: status,
          assignedTo,
        });
        return;
      }
      await dispatch.recordWithdrawal(
        dispatch.claimFor(cancel()),
        `${eventKey}:offer-withdrawn`,
        `Withdrawn: ${OPERATOR_CANCEL}`,
      );
      const type = 'cancelled';
      const reason = OPERATOR_CANCEL;
      await timeline.record({
        eventKey,
        type,
        actor: null,
        reason,
        toStatus: 'CANCELLED',
        assignedTo,
      });
      state.cancelledByOperator = true;
    });

  /**
   * A missed deadline (the timers in `delivery-deadlines.ts`): `assignment_overdue` while still
   * CREATED, `delivery_overdue` while not finished; once per delivery (the key has no run in it).
   */
  const overdue = (type: DeadlineEventType, reason: string) =>
    changes.exclusive(async () => {
      const moot = type === 'assignment_overdue' ? !state.awaitingAssignment : state.terminal;
      if (moot) return;
      const { status: toStatus, assignedTo } = state;
      await timeline.record({
        eventKey: `${deliveryId}:${type}`,
        type,
        actor: null,
        reason,
        toStatus,
        assignedTo,
      });
    });

  let cancelRequested = false;
  CancellationScope.current().cancelRequested.catch(() => {
    cancelRequested = true;
  });
  await CancellationScope.nonCancellable(async () => {
    await begun;
    watchDeadlines(state, overdue, input.deadlines, input.createdAt);
    dispatch.start(input);
    let cancelHandled = false;
    const cancelPending = () => cancelRequested && !cancelHandled;
    while (!state.terminal) {
      await condition(() => state.terminal || cancelPending());
      if (cancelPending()) {
        cancelHandled = true;
        await operatorCancel();
      }
    }
    await condition(allHandlersFinished);
    await timeline.settled();
    await dispatch.settled();
  });
  return closeRun(state);
}
