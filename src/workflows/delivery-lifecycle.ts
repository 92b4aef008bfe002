import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  CancellationScope,
  currentUpdateInfo,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  isChangeEvent,
  isDeadlineEvent,
  type DeadlineEventType,
  type DeliveryEventType,
} from '../domain/delivery-events';
import {
  rejectCommand,
  targetStatus,
  type Actor,
  type DeliveryCommand,
  type DeliveryParties,
} from '../domain/delivery-rules';
import { canTransition, isTerminal, type DeliveryStatus } from '../domain/delivery-status';
import type { Delivery } from '../schemas/deliveries';
import {
  createdEventKey,
  type DeliveryFanOut,
  type DeliveryRecordActivities,
  type OutboundJob,
} from './delivery-event';
import type { EmailMessage } from '../notifications/email-message';
import type { WebhookJob } from '../notifications/webhook-message';
import {
  DELIVERY_OUTCOME_FAILURES,
  type ChangeAnswer,
  type ChangeArgs,
  type DeliveryWorkflowInput,
} from './delivery-messages';
import { currentDetails, recordSummary } from './delivery-presentation';
import { deliveryView } from './delivery-view';
import { emailsJob, webhookJob } from './outbound-jobs';
import { OUTBOUND_ACTIVITY_OPTIONS } from './outbound-options';
import { assignedAdminIdKey, deliveryStatusKey } from './search-attributes';

// Our own database, inside the workflow task that accepts the change: short, retried quickly.
const store = proxyLocalActivities<DeliveryRecordActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    // A database back from an outage is seen within a second (see "Recovery in seconds").
    maximumInterval: '1 second',
  },
});
// Anything that leaves the system gets a durable retry policy of its own; which activity sends
// what is the channels' business (src/worker/notifications/channels), planned by the record activity.
const outboundActivities =
  proxyActivities<Record<string, (payload: unknown) => Promise<unknown>>>(
    OUTBOUND_ACTIVITY_OPTIONS,
  );

const EVENT_TYPES: Record<DeliveryCommand['kind'], DeliveryEventType> = {
  assign: 'assigned',
  transition: 'status_changed',
  cancel: 'cancelled',
};

const OPERATOR_CANCEL = 'Cancellation requested by an operator in Temporal (UI or CLI).';

interface PlannedEvent {
  eventKey: string;
  type: DeliveryEventType;
  actor: Actor | null;
  /** Only a creation with a partner's API key has one. */
  actorApiKeyId?: string | null;
  reason: string | null;
  toStatus: DeliveryStatus;
  assignedTo: string | null;
}

/**
 * What record activities returned before notification channels: running executions replay those
 * results from their history and must schedule the same activities, in the same order.
 */
interface LegacyFanOut {
  recorded: boolean;
  emails: EmailMessage[];
  webhook: WebhookJob | null;
}

function outboundJobs(fanOut: DeliveryFanOut | LegacyFanOut): OutboundJob[] {
  if ('outbound' in fanOut) return fanOut.outbound;
  const jobs: OutboundJob[] = [];
  if (fanOut.emails.length > 0) jobs.push(emailsJob(fanOut.emails));
  if (fanOut.webhook) jobs.push(webhookJob(fanOut.webhook));
  return jobs;
}

/** A recipient that cannot be reached must not fail the delivery: the failure is recorded. */
async function bestEffort(what: string, send: Promise<unknown>): Promise<void> {
  try {
    await send;
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn(`${what} gave up`, { cause: error.cause?.message ?? error.message });
  }
}

/**
 * The delivery's state machine inside the workflow. Each change is validated, then re-checked
 * once its turn comes (`serially`): a validator sees the state before earlier accepted updates
 * finish, so two updates racing to different terminal states may both pass validation and only
 * the first to run may win. A change is durable (row, event, in-app notifications) before the
 * update answers; emails and webhooks follow as activities the update does not wait for.
 */
export class DeliveryLifecycle {
  private status: DeliveryStatus;
  private assignedTo: string | null;
  private updatedAt: string;
  private lastReason: string | null = null;
  private cancelledByOperator = false;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly outbound: Promise<void>[] = [];
  /** Accepted commands not yet applied, in order: what the next validator must build on. */
  private readonly pending: DeliveryCommand[] = [];
  /** Queued first, before any handler exists, so every change waits for the creation record. */
  readonly begun: Promise<void>;

  constructor(private readonly input: DeliveryWorkflowInput) {
    const resumed = input.resumeFrom;
    this.status = resumed?.status ?? 'CREATED';
    this.assignedTo = resumed?.assignedTo ?? null;
    this.updatedAt = resumed?.updatedAt ?? input.createdAt;
    this.begun = this.serially(() => this.begin());
  }

  view(): Delivery {
    const { status, assignedTo, updatedAt } = this;
    return deliveryView(this.input, { status, assignedTo, updatedAt });
  }

  get terminal(): boolean {
    return isTerminal(this.status);
  }

  get awaitingAssignment(): boolean {
    return this.status === 'CREATED';
  }

  /** Records the creation (or, for a resumed run, the resumption) before anything else runs. */
  private begin(): Promise<void> {
    const resumed = this.input.resumeFrom;
    return this.record({
      // The original run ID survives a reset, so a reset run writes the same key again.
      eventKey: resumed
        ? `${this.input.deliveryId}:resumed:${workflowInfo().originalExecutionRunId}`
        : createdEventKey(this.input.deliveryId),
      type: resumed ? 'resumed' : 'created',
      actor: resumed ? null : { id: this.input.partnerId, role: 'partner' },
      actorApiKeyId: resumed ? null : (this.input.actorApiKeyId ?? null),
      reason: resumed
        ? 'The previous workflow run was closed by an operator; this run resumes from the stored state.'
        : null,
      toStatus: this.status,
      assignedTo: this.assignedTo,
    });
  }

  /**
   * Judges a command against the state the accepted commands before it will leave: updates that
   * arrive together (a reset re-applying them, a burst of requests) are accepted in order.
   */
  validate(actor: Actor, command: DeliveryCommand): void {
    this.check(actor, command, this.projected());
  }

  private check(actor: Actor, command: DeliveryCommand, parties: DeliveryParties): void {
    const rejection = rejectCommand(actor, parties, command);
    if (!rejection) return;
    throw ApplicationFailure.create({
      type: rejection.code,
      message: rejection.message,
      nonRetryable: true,
      details: [{ allowed: rejection.allowed, current_status: parties.status }],
    });
  }

  apply(args: ChangeArgs, command: DeliveryCommand): Promise<ChangeAnswer> {
    // Read now: the update ID names the event, so a re-applied update (after a reset) adds none.
    const updateId = currentUpdateInfo()?.id ?? `${workflowInfo().historyLength}`;
    this.pending.push(command);
    const step = this.serially(async () => {
      // Re-checked on the state as it is now: a racing command may have been applied first.
      this.check(args.actor, command, this.parties());
      const assignedTo = command.kind === 'assign' ? command.adminId : this.assignedTo;
      // Assigning the admin who already has the delivery changes nothing; say so without an event.
      if (!(command.kind === 'assign' && assignedTo === this.assignedTo)) {
        await this.record({
          eventKey: `${this.input.deliveryId}:${updateId}`,
          type: EVENT_TYPES[command.kind],
          actor: args.actor,
          actorApiKeyId: args.actorApiKeyId ?? null,
          reason: args.reason ?? null,
          toStatus: targetStatus(command),
          assignedTo,
        });
      }
      return { delivery: this.view(), requestId: args.requestId, requestHash: args.requestHash };
    });
    const settle = () => {
      this.pending.splice(this.pending.indexOf(command), 1);
    };
    step.then(settle, settle);
    return step;
  }

  /**
   * An operator's "Request Cancellation" follows the rules of the cancel endpoint: accepted
   * before transit, otherwise refused on the timeline while the delivery stays movable.
   */
  cancelRequested(): Promise<void> {
    return this.serially(async () => {
      if (this.terminal) return;
      const eventKey = `${this.input.deliveryId}:cancel-request:${workflowInfo().originalExecutionRunId}`;
      if (!canTransition(this.status, 'CANCELLED')) {
        await this.record({
          eventKey,
          type: 'cancel_refused',
          actor: null,
          reason: `${OPERATOR_CANCEL} Refused: a delivery ${this.status} cannot be cancelled.`,
          toStatus: this.status,
          assignedTo: this.assignedTo,
        });
        return;
      }
      await this.record({
        eventKey,
        type: 'cancelled',
        actor: null,
        reason: OPERATOR_CANCEL,
        toStatus: 'CANCELLED',
        assignedTo: this.assignedTo,
      });
      this.cancelledByOperator = true;
    });
  }

  /**
   * A missed deadline, recorded once per delivery (the key has no run in it, so a resumed or
   * reset run adds none) unless the change that made it moot came first.
   */
  overdue(type: DeadlineEventType, reason: string): Promise<void> {
    return this.serially(async () => {
      const moot = type === 'assignment_overdue' ? !this.awaitingAssignment : this.terminal;
      if (moot) return;
      await this.record({
        eventKey: `${this.input.deliveryId}:${type}`,
        type,
        actor: null,
        reason,
        toStatus: this.status,
        assignedTo: this.assignedTo,
      });
    });
  }

  /** Resolves once every email and webhook fired so far has been delivered or given up. */
  async settled(): Promise<void> {
    await Promise.all(this.outbound);
  }

  /** How the run closes, so the Temporal UI's status column tells the outcome at a glance. */
  finish(): Delivery {
    const delivery = this.view();
    switch (delivery.status) {
      case 'COMPLETED':
        return delivery;
      case 'FAILED':
        throw ApplicationFailure.create({
          type: DELIVERY_OUTCOME_FAILURES.FAILED,
          message: `The delivery failed: ${this.lastReason ?? 'no reason given'}`,
          nonRetryable: true,
          details: [delivery],
        });
      case 'CANCELLED':
        if (this.cancelledByOperator) throw new CancelledFailure(OPERATOR_CANCEL);
        throw ApplicationFailure.create({
          type: DELIVERY_OUTCOME_FAILURES.CANCELLED,
          message: `The delivery was cancelled: ${this.lastReason ?? 'no reason given'}`,
          nonRetryable: true,
          details: [delivery],
        });
      case 'CREATED':
      case 'ASSIGNED':
      case 'IN_TRANSIT':
        throw new Error(`finish() called on a live delivery (${delivery.status})`);
      default: {
        const unknown: never = delivery.status;
        throw new Error(`Unknown status ${String(unknown)}`);
      }
    }
  }

  private parties(): DeliveryParties {
    return { status: this.status, partnerId: this.input.partnerId, assignedTo: this.assignedTo };
  }

  private projected(): DeliveryParties {
    return this.pending.reduce(
      (parties, command) => ({
        ...parties,
        status: targetStatus(command),
        assignedTo: command.kind === 'assign' ? command.adminId : parties.assignedTo,
      }),
      this.parties(),
    );
  }

  private async record(event: PlannedEvent): Promise<void> {
    const before = this.status;
    const fromStatus = event.type === 'created' ? null : before;
    const previousAssignee = this.assignedTo;
    // A creation carries the API's time, so whichever of the two writes the row writes the same.
    const at = event.type === 'created' ? this.input.createdAt : new Date().toISOString();
    const changes = isChangeEvent(event.type);
    const delivery: Delivery = {
      ...this.view(),
      status: event.toStatus,
      assigned_to: event.assignedTo,
      updated_at: changes ? at : this.updatedAt,
    };
    const summary = recordSummary({
      type: event.type,
      fromStatus,
      toStatus: event.toStatus,
      actorRole: event.actor?.role ?? this.impersonalActor(event.type),
    });
    const fanOut: DeliveryFanOut | LegacyFanOut =
      await store.recordDeliveryEvent.executeWithOptions({ summary }, [
        {
          eventKey: event.eventKey,
          type: event.type,
          fromStatus,
          previousAssignee: previousAssignee === event.assignedTo ? null : previousAssignee,
          actorId: event.actor?.id ?? null,
          actorApiKeyId: event.actorApiKeyId ?? null,
          reason: event.reason,
          at,
          delivery,
          keys: { idempotencyKey: this.input.idempotencyKey, payloadHash: this.input.payloadHash },
        },
      ]);
    this.status = event.toStatus;
    this.assignedTo = event.assignedTo;
    this.updatedAt = delivery.updated_at;
    this.lastReason = event.reason;
    if (changes && (before !== this.status || previousAssignee !== this.assignedTo)) {
      this.publishSearchAttributes();
    }
    setCurrentDetails(
      currentDetails({
        status: this.status,
        assignedTo: this.assignedTo,
        lastEvent: event.type,
        lastActor: event.actor ? `${event.actor.role} ${event.actor.id}` : null,
        lastReason: event.reason,
        at,
      }),
    );
    this.sendOutbound(fanOut);
  }

  private impersonalActor(type: DeliveryEventType): string | null {
    if (type === 'created') return null;
    return isDeadlineEvent(type) ? 'a deadline timer' : 'operator';
  }

  private publishSearchAttributes(): void {
    const pairs: SearchAttributeUpdatePair[] = [
      { key: deliveryStatusKey, value: this.status },
      { key: assignedAdminIdKey, value: this.assignedTo },
    ];
    upsertSearchAttributes(pairs);
  }

  private sendOutbound(fanOut: DeliveryFanOut | LegacyFanOut): void {
    for (const job of outboundJobs(fanOut)) {
      const send = outboundActivities[job.activity]!;
      this.outbound.push(
        bestEffort(job.summary, send.executeWithOptions({ summary: job.summary }, [job.payload])),
      );
    }
  }

  /** Runs steps one at a time, never cancelled: an operator's cancel request is a command here. */
  private serially<T>(step: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => CancellationScope.nonCancellable(step));
    this.tail = run.catch(() => undefined);
    return run;
  }
}
