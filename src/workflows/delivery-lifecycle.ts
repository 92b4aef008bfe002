import {
  ApplicationFailure,
  log,
  proxyActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { DeliveryChange, ReadModelActivities } from '../activities/read-model';
import {
  rejectCommand,
  targetStatus,
  type Actor,
  type DeliveryCommand,
} from '../domain/delivery-rules';
import { isTerminal } from '../domain/delivery-status';
import type {
  CreateArgs,
  CreateResult,
  DeliveryState,
  DeliveryWorkflowInput,
} from './delivery-messages';
import { notifyDeliveryEvent, type DeliveryEventNotice } from './notify';
import { assignedAdminIdKey, deliveryStatusKey, partnerIdKey } from './search-attributes';

const readModel = proxyActivities<ReadModelActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const EVENT_TYPES: Record<DeliveryCommand['kind'], DeliveryEventNotice['type']> = {
  assign: 'assigned',
  transition: 'status_changed',
  cancel: 'cancelled',
};

/**
 * The delivery's state machine inside the workflow. Every change runs one at a time (`serially`)
 * and is re-checked once its turn comes: validators only see the state before earlier accepted
 * updates finish, so two updates racing to different terminal states may both pass validation,
 * and only the first to run may win.
 */
export class DeliveryLifecycle {
  private readonly state: DeliveryState;
  private sequence = 0;
  private createdAnswered = false;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly notifications: Promise<void>[] = [];
  /** Queued first, before any handler exists, so every update waits for the row to be written. */
  readonly creation: Promise<void>;

  constructor(private readonly input: DeliveryWorkflowInput) {
    this.state = {
      deliveryId: input.deliveryId,
      status: 'CREATED',
      partnerId: input.partnerId,
      assignedTo: null,
    };
    this.creation = this.serially(() => this.recordCreation());
  }

  snapshot(): DeliveryState {
    return { ...this.state };
  }

  get terminal(): boolean {
    return isTerminal(this.state.status);
  }

  validateCreate(args: CreateArgs): void {
    if (args.payloadHash !== this.input.payloadHash) {
      throw ApplicationFailure.create({
        type: 'idempotency-key-mismatch',
        message: 'This Idempotency-Key was used with a different payload.',
        nonRetryable: true,
      });
    }
  }

  async create(args: CreateArgs): Promise<CreateResult> {
    this.validateCreate(args);
    await this.creation;
    const created = !this.createdAnswered;
    this.createdAnswered = true;
    return { delivery: this.snapshot(), created };
  }

  validate(actor: Actor, command: DeliveryCommand): void {
    const rejection = rejectCommand(actor, this.state, command);
    if (!rejection) return;
    throw ApplicationFailure.create({
      type: rejection.code,
      message: rejection.message,
      nonRetryable: true,
      details: [{ allowed: rejection.allowed, current_status: this.state.status }],
    });
  }

  apply(actor: Actor, command: DeliveryCommand, reason: string | null): Promise<DeliveryState> {
    return this.serially(async () => {
      this.validate(actor, command);
      const previousAssignee = this.state.assignedTo;
      const assignedTo = command.kind === 'assign' ? command.adminId : previousAssignee;
      // Assigning the admin who already has the delivery changes nothing; say so without an event.
      if (command.kind === 'assign' && assignedTo === previousAssignee) return this.snapshot();
      const change = this.nextChange({
        type: EVENT_TYPES[command.kind],
        fromStatus: this.state.status,
        toStatus: targetStatus(command),
        assignedTo,
        actorId: actor.id,
        reason,
      });
      await readModel.recordDeliveryChange(change);
      this.state.status = change.toStatus;
      this.state.assignedTo = assignedTo;
      this.publish(change, command.kind === 'assign' ? previousAssignee : null);
      return this.snapshot();
    });
  }

  /** Resolves once every notification fired so far has been handed over. */
  async settled(): Promise<void> {
    await Promise.all(this.notifications);
  }

  private async recordCreation(): Promise<void> {
    const change = this.nextChange({
      type: 'created',
      fromStatus: null,
      toStatus: 'CREATED',
      assignedTo: null,
      actorId: this.input.partnerId,
      reason: null,
    });
    await readModel.recordDeliveryCreated(this.input, change);
    this.publish(change, null);
  }

  private nextChange(
    fields: Omit<DeliveryChange, 'deliveryId' | 'eventKey' | 'at'>,
  ): DeliveryChange {
    this.sequence += 1;
    return {
      ...fields,
      deliveryId: this.input.deliveryId,
      // Derived from workflow state, so a retried activity writes the same key and no new row.
      eventKey: `${this.input.deliveryId}:${this.sequence}`,
      // The workflow clock: deterministic, and the same on every retry of the activity.
      at: new Date().toISOString(),
    };
  }

  private publish(change: DeliveryChange, previousAssignee: string | null): void {
    const attributes: SearchAttributeUpdatePair[] = [
      { key: deliveryStatusKey, value: this.state.status },
      { key: partnerIdKey, value: this.state.partnerId },
    ];
    if (this.state.assignedTo) {
      attributes.push({ key: assignedAdminIdKey, value: this.state.assignedTo });
    }
    upsertSearchAttributes(attributes);
    const notice: DeliveryEventNotice = {
      ...change,
      partnerId: this.state.partnerId,
      previousAssignee: previousAssignee === change.assignedTo ? null : previousAssignee,
    };
    this.notifications.push(
      notifyDeliveryEvent(notice).catch((error: unknown) => {
        log.error('notifying a delivery event failed', { eventKey: notice.eventKey, error });
      }),
    );
  }

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const run = this.tail.then(step);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
