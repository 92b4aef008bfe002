import { Type, type Static } from '@sinclair/typebox';
import { DELIVERY_STATUSES } from '../domain/delivery-status';
import { TRACKING_TOKEN_PATTERN } from '../tracking/tracking-links';
import { CalendarDate, StringEnum } from './common';

const Instant = Type.String({ format: 'date-time' });

/** The steps a recipient sees, in the order a delivery takes them. */
export const TRACKING_STEPS = [
  'created',
  'assigned',
  'in_transit',
  'delivered',
  'failed',
  'cancelled',
] as const;
export type TrackingStepCode = (typeof TRACKING_STEPS)[number];

export const TrackingStep = Type.Object(
  {
    step: StringEnum(TRACKING_STEPS),
    text: Type.String({ description: 'The step in words: "Order received", "On its way", …' }),
    detail: Type.Union([Type.String(), Type.Null()], {
      description: 'Why it could not be delivered, in the words the recipient reads; else null',
    }),
    at: Instant,
  },
  { additionalProperties: false },
);

/**
 * What anyone holding a tracking link sees: no ids, no address, no recipient, no partner notes,
 * no phone numbers, no proof. The same object is the JSON answer, the HTML page's content and
 * each live update's data.
 */
export const PublicTracking = Type.Object(
  {
    product_name: Type.String(),
    status: StringEnum(DELIVERY_STATUSES),
    status_text: Type.String({ description: 'The status in words' }),
    delivery_date: CalendarDate({ description: 'YYYY-MM-DD, the day it is due' }),
    dropoff_window: Type.Union([Type.Object({ start: Instant, end: Instant }), Type.Null()], {
      description: 'When the recipient expects the parcel, if the partner gave a window',
    }),
    late: Type.Boolean({
      description:
        'Running late: still under way after the drop-off window ended (or after its date, when it has no window). False once it is delivered, failed or cancelled',
    }),
    courier_first_name: Type.Union([Type.String(), Type.Null()], {
      description: 'The first name of the courier it is assigned to; null before assignment',
    }),
    timeline: Type.Array(TrackingStep, {
      description:
        'The public steps so far, oldest first, each once: a reassignment moves "Courier assigned" to its time',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        product_name: 'Espresso machine',
        status: 'IN_TRANSIT',
        status_text: 'On its way',
        delivery_date: '2030-01-01',
        dropoff_window: { start: '2030-01-01T14:00:00.000Z', end: '2030-01-01T16:00:00.000Z' },
        late: false,
        courier_first_name: 'Ada',
        timeline: [
          {
            step: 'created',
            text: 'Order received',
            detail: null,
            at: '2029-12-31T09:12:00.000Z',
          },
          {
            step: 'assigned',
            text: 'Courier assigned',
            detail: null,
            at: '2030-01-01T08:03:00.000Z',
          },
          { step: 'in_transit', text: 'On its way', detail: null, at: '2030-01-01T13:40:00.000Z' },
        ],
      },
    ],
  },
);
export type PublicTracking = Static<typeof PublicTracking>;

export const TrackingParams = Type.Object(
  {
    token: Type.String({
      pattern: TRACKING_TOKEN_PATTERN,
      description:
        "The last segment of the delivery's `tracking_url`. Anything else (malformed, unknown, replaced) is the same 404",
    }),
  },
  { additionalProperties: false },
);

/** One Server-Sent Event of a tracking page's stream, as an EventSource sees it. */
export const TrackingStreamEvent = Type.Object(
  {
    event: Type.Literal('view'),
    data: Type.String({
      description: 'The public tracking view, as JSON',
      contentMediaType: 'application/json',
      contentSchema: PublicTracking,
    }),
  },
  { additionalProperties: false },
);
