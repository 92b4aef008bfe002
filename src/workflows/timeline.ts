import {
  proxyLocalActivities,
  setCurrentDetails,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ReadModelActivities } from '../activities/read-model';
import {
  isChangeEvent,
  isDeadlineEvent,
  type DeliveryEventDetails,
  type DeliveryEventType,
} from '../domain/delivery-events';
import type { Actor } from '../domain/delivery-rules';
import type { DeliveryStatus } from '../domain/delivery-status';
import type { Delivery } from '../schemas/deliveries';
import type { DeliveryFanOut } from './delivery-event';
import { currentDetails, recordSummary } from './delivery-presentation';
import type { DeliveryState } from './delivery-state';
import { outboundJobsOf, type LegacyFanOut } from './legacy-fan-out';
import { OutboundSender } from './outbound-sender';
import { assignedAdminIdKey, deliveryStatusKey } from './search-attributes';

// Our own database, inside the workflow task that accepts the change: short, retried quickly.
const store = proxyLocalActivities<ReadModelActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    // A database back from an outage is seen within a second (see "Recovery in seconds").
    maximumInterval: '1 second',
  },
});

/** One timeline event the workflow decided on, and where it leaves the delivery. */
export interface PlannedEvent {
  /** Unique per event: makes a retry, a replay or a reset's re-application write nothing twice. */
  eventKey: string;
  type: DeliveryEventType;
  actor: Actor | null;
  /** The partner's API key that made the change, if one did. */
  actorApiKeyId?: string | null;
  reason: string | null;
  toStatus: DeliveryStatus;
  assignedTo: string | null;
  /** A FAILED change's code, a COMPLETED change's proof. */
  details?: DeliveryEventDetails;
}

const impersonalActor = (type: DeliveryEventType): string | null => {
  if (type === 'created') return null;
  return isDeadlineEvent(type) ? 'a deadline timer' : 'operator';
};

/**
 * Records events: the row, the event and the in-app notifications in one local activity (durable
 * before the update answers), then the state, what ops see in the Temporal UI, and the emails and
 * webhooks the record planned, as activities nobody waits for.
 */
export class Timeline {
  private readonly outbound = new OutboundSender();

  constructor(private readonly state: DeliveryState) {}

  async record(event: PlannedEvent): Promise<void> {
    const { state } = this;
    const { input } = state;
    const before = state.status;
    const fromStatus = event.type === 'created' ? null : before;
    const previousAssignee = state.assignedTo;
    // A creation carries the API's time, so whichever of the two writes the row writes the same.
    const at = event.type === 'created' ? input.createdAt : new Date().toISOString();
    const changes = isChangeEvent(event.type);
    const delivery: Delivery = {
      ...state.view(),
      status: event.toStatus,
      assigned_to: event.assignedTo,
      failure_reason: event.details?.failure_reason ?? state.failureReason,
      proof: event.details?.proof ?? state.proof,
      updated_at: changes ? at : state.updatedAt,
    };
    const summary = recordSummary({
      type: event.type,
      fromStatus,
      toStatus: event.toStatus,
      actorRole: event.actor?.role ?? impersonalActor(event.type),
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
          // Only when there are some, so the record activity's input keeps its usual shape.
          ...(event.details ? { details: event.details } : {}),
          at,
          delivery,
          keys: { idempotencyKey: input.idempotencyKey, payloadHash: input.payloadHash },
        },
      ]);
    state.status = event.toStatus;
    state.assignedTo = event.assignedTo;
    state.updatedAt = delivery.updated_at;
    state.failureReason = delivery.failure_reason;
    state.proof = delivery.proof;
    state.lastReason = event.reason;
    if (changes && (before !== state.status || previousAssignee !== state.assignedTo)) {
      upsertSearchAttributes([
        { key: deliveryStatusKey, value: state.status },
        { key: assignedAdminIdKey, value: state.assignedTo },
      ]);
    }
    setCurrentDetails(
      currentDetails({
        status: state.status,
        assignedTo: state.assignedTo,
        lastEvent: event.type,
        lastActor: event.actor ? `${event.actor.role} ${event.actor.id}` : null,
        lastReason: event.reason,
        at,
        failureReason: state.failureReason,
        proof: state.proof && {
          receivedBy: state.proof.received_by,
          photos: state.proof.attachments.length,
        },
      }),
    );
    this.outbound.send(outboundJobsOf(fanOut));
  }

  /** Resolves once every email and webhook fired so far has been delivered or given up. */
  settled(): Promise<void> {
    return this.outbound.settled();
  }
}
