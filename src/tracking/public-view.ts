import type { DeliveryEventType } from '../domain/delivery-events';
import { isTerminal, type DeliveryStatus } from '../domain/delivery-status';
import { failureReasonWording, type FailureReason } from '../domain/failure-reasons';
import { TRACKING_STEPS, type PublicTracking, type TrackingStepCode } from '../schemas/tracking';

/** A timeline event as far as the tracking page reads it. */
export interface TrackedEvent {
  type: DeliveryEventType;
  to_status: DeliveryStatus;
  failure_reason: FailureReason | null;
  at: string;
}

/**
 * A delivery as its tracking page reads it (one statement, `findTrackedDelivery`). `id` and
 * `tracking_token` say which delivery and which link it is; neither is ever part of the view.
 */
export interface TrackedDelivery {
  id: string;
  tracking_token: string;
  status: DeliveryStatus;
  product_name: string;
  delivery_date: string;
  dropoff_window: { start: string; end: string } | null;
  failure_reason: FailureReason | null;
  /** users.first_name of the assignee; null when unassigned. */
  courier_first_name: string | null;
  /** Oldest first. */
  events: TrackedEvent[];
}

const STEP_TEXT: Record<TrackingStepCode, string> = {
  created: 'Order received',
  assigned: 'Courier assigned',
  in_transit: 'On its way',
  delivered: 'Delivered',
  failed: 'Could not be delivered',
  cancelled: 'Cancelled',
};

/** The status in the words of the step that reached it. */
const STATUS_STEP: Record<DeliveryStatus, TrackingStepCode> = {
  CREATED: 'created',
  ASSIGNED: 'assigned',
  IN_TRANSIT: 'in_transit',
  COMPLETED: 'delivered',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
};

/** The public step an event stands for; operator and deadline events stand for none. */
function stepOf(event: TrackedEvent): TrackingStepCode | null {
  switch (event.type) {
    case 'created':
      return 'created';
    case 'assigned':
      return 'assigned';
    case 'cancelled':
      return 'cancelled';
    case 'status_changed':
      switch (event.to_status) {
        case 'IN_TRANSIT':
          return 'in_transit';
        case 'COMPLETED':
          return 'delivered';
        case 'FAILED':
          return 'failed';
        case 'CREATED':
        case 'ASSIGNED':
        case 'CANCELLED':
          return null;
        default: {
          const unknown: never = event.to_status;
          throw new Error(`Unknown delivery status ${String(unknown)}`);
        }
      }
    case 'cancel_refused':
    case 'resumed':
    case 'reconciled':
    case 'assignment_overdue':
    case 'delivery_overdue':
    case 'delivery_late':
    case 'offered':
    case 'offer_declined':
    case 'offer_expired':
    case 'offer_withdrawn':
    case 'returned_to_queue':
      // Who was offered the delivery is the platform's business, not the recipient's.
      return null;
    default: {
      const unknown: never = event.type;
      throw new Error(`Unknown delivery event type ${String(unknown)}`);
    }
  }
}

/**
 * The steps a delivery in this status has passed. A step the status has not reached is left out
 * even if an event recorded it: after a Temporal reset the row can be corrected back (a
 * `reconciled` event), and the page must not say "On its way" of a delivery that is not.
 */
function reachedSteps(status: DeliveryStatus): readonly TrackingStepCode[] {
  switch (status) {
    case 'CREATED':
      return ['created'];
    case 'ASSIGNED':
      return ['created', 'assigned'];
    case 'IN_TRANSIT':
      return ['created', 'assigned', 'in_transit'];
    case 'COMPLETED':
      return ['created', 'assigned', 'in_transit', 'delivered'];
    case 'FAILED':
      return ['created', 'assigned', 'in_transit', 'failed'];
    case 'CANCELLED':
      return ['created', 'assigned', 'cancelled'];
    default: {
      const unknown: never = status;
      throw new Error(`Unknown delivery status ${String(unknown)}`);
    }
  }
}

const isLateEvent = (event: TrackedEvent) =>
  event.type === 'delivery_late' || event.type === 'delivery_overdue';

/**
 * Running late means still under way past the promise: the workflow recorded `delivery_late`
 * (window ended) or `delivery_overdue` (date ended, no window), or the window's end has passed
 * and the timer has not recorded it yet. A delivered, failed or cancelled delivery is not
 * running anything: `late` is false once the status is terminal.
 */
function isLate(delivery: TrackedDelivery, now: number): boolean {
  if (isTerminal(delivery.status)) return false;
  if (delivery.events.some(isLateEvent)) return true;
  return delivery.dropoff_window !== null && Date.parse(delivery.dropoff_window.end) <= now;
}

function failureText(delivery: TrackedDelivery, event: TrackedEvent): string {
  const code = event.failure_reason ?? delivery.failure_reason ?? 'other';
  return failureReasonWording(code).public;
}

/**
 * What the holder of a tracking link sees (pure; the caller supplies the clock). The timeline
 * has each public step once, at its latest time: a reassignment moves "Courier assigned" rather
 * than adding a second one, and the recipient reads the current courier's name beside it.
 * A failure carries its reason's public wording, never the courier's free text.
 */
export function publicView(delivery: TrackedDelivery, now: number): PublicTracking {
  const latest = new Map<TrackingStepCode, TrackedEvent>();
  for (const event of delivery.events) {
    const step = stepOf(event);
    if (step) latest.set(step, event);
  }
  const reached = reachedSteps(delivery.status);
  const timeline = TRACKING_STEPS.filter((step) => reached.includes(step)).flatMap((step) => {
    const event = latest.get(step);
    if (!event) return [];
    const detail = step === 'failed' ? failureText(delivery, event) : null;
    return [{ step, text: STEP_TEXT[step], detail, at: event.at }];
  });
  const firstName = delivery.courier_first_name?.trim() ?? '';
  return {
    product_name: delivery.product_name,
    status: delivery.status,
    status_text: STEP_TEXT[STATUS_STEP[delivery.status]],
    delivery_date: delivery.delivery_date,
    dropoff_window: delivery.dropoff_window,
    late: isLate(delivery, now),
    courier_first_name: firstName === '' ? null : firstName,
    timeline,
  };
}
