import { Type, type Static } from '@sinclair/typebox';
import { DELIVERY_EVENT_TYPES } from '../domain/delivery-events';
import { ADMIN_SETTABLE_STATUSES, DELIVERY_STATUSES } from '../domain/delivery-status';
import {
  CalendarDate,
  EXAMPLE_REQUEST_ID,
  NOT_BLANK_PATTERN,
  Page,
  PageQuery,
  Problem,
  StringEnum,
  Uuid,
} from './common';

const Status = StringEnum(DELIVERY_STATUSES);
const DateOnly = CalendarDate();
const Reason = Type.String({ minLength: 1, maxLength: 2000 });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const CreateDeliveryRequest = Type.Object(
  {
    // Not blank implies not empty: one refusal for "" and "   " alike.
    product_name: Type.String({ maxLength: 200, pattern: NOT_BLANK_PATTERN }),
    delivery_address: Type.String({ maxLength: 500, pattern: NOT_BLANK_PATTERN }),
    delivery_date: CalendarDate({
      description:
        'YYYY-MM-DD, today or later in the platform business time zone (BUSINESS_TIMEZONE, UTC by default)',
    }),
    recipient_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    recipient_phone: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type CreateDeliveryRequest = Static<typeof CreateDeliveryRequest>;

export const Delivery = Type.Object(
  {
    id: Uuid,
    workflow_id: Type.String(),
    status: Status,
    product_name: Type.String(),
    delivery_address: Type.String(),
    delivery_date: DateOnly,
    recipient_name: Nullable(Type.String()),
    recipient_phone: Nullable(Type.String()),
    notes: Nullable(Type.String()),
    partner_id: Uuid,
    assigned_to: Nullable(Uuid),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type Delivery = Static<typeof Delivery>;

export const TimelineEvent = Type.Object(
  {
    type: StringEnum(DELIVERY_EVENT_TYPES, {
      description:
        'created/assigned/status_changed/cancelled change the delivery; cancel_refused, resumed and reconciled record what an operator did to its workflow in Temporal',
    }),
    from_status: Type.Union([Status, Type.Null()]),
    to_status: Status,
    actor_id: Nullable(Uuid),
    actor_key_name: Type.Union([Type.String(), Type.Null()], {
      description: "The name of the partner's API key that made the change, if one did",
    }),
    reason: Nullable(Type.String()),
    at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type TimelineEvent = Static<typeof TimelineEvent>;

export const DeliveryWithTimeline = Type.Object(
  { ...Delivery.properties, timeline: Type.Array(TimelineEvent) },
  { additionalProperties: false },
);

export const DeliveryListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    assigned_to: Type.Optional(Uuid),
    partner_id: Type.Optional(Uuid),
    date_from: Type.Optional(DateOnly),
    date_to: Type.Optional(DateOnly),
    q: Type.Optional(
      Type.String({
        minLength: 3,
        maxLength: 200,
        description:
          'Case-insensitive substring of the product, the address or the recipient (at least 3 characters, so a trigram index can answer it)',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

export const DeliveryPage = Page(Delivery);

export const AssignRequest = Type.Object({ admin_id: Uuid }, { additionalProperties: false });

export const StatusRequest = Type.Object(
  { status: StringEnum(ADMIN_SETTABLE_STATUSES), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);

// A cancel needs no body; `null` is what the router passes when none was sent.
export const CancelRequest = Type.Union([
  Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false }),
  Type.Null(),
]);

/** The 409 of a change the delivery's status does not allow. */
export const TransitionProblem = Type.Object(
  {
    ...Problem.properties,
    current_status: Status,
    allowed: Type.Array(Status, {
      description:
        "The delivery's allowed next statuses by the state machine, whichever route and role makes each move (ASSIGNED: POST …/assign by a super admin; CANCELLED: POST …/cancel)",
    }),
  },
  {
    additionalProperties: true,
    examples: [
      {
        type: 'https://delivery-aggregator.dev/problems/invalid-transition',
        title: 'Invalid status transition',
        status: 409,
        detail: 'The delivery is COMPLETED and can no longer change.',
        current_status: 'COMPLETED',
        allowed: [],
        request_id: EXAMPLE_REQUEST_ID,
      },
    ],
  },
);
