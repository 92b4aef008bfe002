import { Type, type Static } from '@sinclair/typebox';
import { DELIVERY_EVENT_TYPES } from '../domain/delivery-events';
import { FAILURE_REASONS } from '../domain/failure-reasons';
import { ADMIN_SETTABLE_STATUSES, DELIVERY_STATUSES } from '../domain/delivery-status';
import {
  CalendarDate,
  EXAMPLE_REQUEST_ID,
  NOT_BLANK_PATTERN,
  Page,
  PageQuery,
  Problem,
  REFUSAL,
  StringEnum,
  Uuid,
} from './common';

const Status = StringEnum(DELIVERY_STATUSES);
const DateOnly = CalendarDate();
const Reason = Type.String({ minLength: 1, maxLength: 2000 });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const Instant = Type.String({ format: 'date-time' });

export const DropoffWindow = Type.Object(
  {
    start: Type.String({ format: 'date-time', description: 'RFC 3339, in the future' }),
    end: Type.String({
      format: 'date-time',
      description: 'RFC 3339, after `start` and at most 7 days after it',
    }),
  },
  {
    additionalProperties: false,
    description: 'When the recipient expects the parcel; a delivery not finished by `end` is late',
  },
);
export type DropoffWindow = Static<typeof DropoffWindow>;

export const FailureReasonCode = StringEnum(FAILURE_REASONS, {
  description:
    'Why it could not be delivered: recipient_unavailable, address_not_found, refused, damaged, or other (with a `reason`)',
});

export const CreateDeliveryRequest = Type.Object(
  {
    // Not blank implies not empty: one refusal for "" and "   " alike.
    product_name: Type.String({ maxLength: 200, pattern: NOT_BLANK_PATTERN }),
    delivery_address: Type.String({ maxLength: 500, pattern: NOT_BLANK_PATTERN }),
    delivery_date: Type.Optional(
      CalendarDate({
        description:
          'YYYY-MM-DD, today or later in the platform business time zone (BUSINESS_TIMEZONE, UTC by default). Required unless `dropoff_window` is given; then it defaults to the date the window ends in that zone and, when given, must be that date',
      }),
    ),
    dropoff_window: Type.Optional(DropoffWindow),
    recipient_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    recipient_phone: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    recipient_email: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 254,
        description:
          'The recipient hears from us with the tracking link when the delivery is assigned, leaves and ends',
      }),
    ),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
    proof_required: Type.Optional(
      Type.Boolean({
        // No `default`: ajv would write it into the body, and the body is the idempotency key.
        description:
          'When true, COMPLETED needs a proof with at least one photo (false if left out)',
      }),
    ),
  },
  {
    additionalProperties: false,
    // A date, or a window whose end gives it.
    if: { not: { required: ['dropoff_window'] } },
    then: { required: ['delivery_date'], [REFUSAL]: 'is required unless dropoff_window is given' },
  },
);
export type CreateDeliveryRequest = Static<typeof CreateDeliveryRequest>;

const ProofAttachmentFields = {
  id: Uuid,
  content_type: Type.String(),
  bytes: Type.Integer({ minimum: 1 }),
  sha256: Type.String({ description: 'Hex SHA-256 of the stored image (metadata stripped)' }),
  created_at: Instant,
};

const proofOf = <T extends ReturnType<typeof Type.Object>>(attachment: T) =>
  Type.Object(
    {
      received_by: Type.String(),
      note: Nullable(Type.String()),
      attachments: Type.Array(attachment),
    },
    { additionalProperties: false },
  );

const deliveryFields = {
  id: Uuid,
  workflow_id: Type.String(),
  status: Status,
  product_name: Type.String(),
  delivery_address: Type.String(),
  delivery_date: DateOnly,
  dropoff_window: Type.Union([DropoffWindow, Type.Null()]),
  recipient_name: Nullable(Type.String()),
  recipient_phone: Nullable(Type.String()),
  recipient_email: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  proof_required: Type.Boolean(),
  sandbox: Type.Boolean({
    description:
      'Created with a sandbox key (`dak_test_…`): a test delivery, walked through by a simulated courier, which no admin sees and no recipient is emailed about',
  }),
  partner_id: Uuid,
  assigned_to: Nullable(Uuid),
  failure_reason: Type.Union([FailureReasonCode, Type.Null()]),
  created_at: Instant,
  updated_at: Instant,
};

/**
 * A delivery as the workflow and the read model hold it. The API answers with `DeliveryResource`,
 * which adds what only the API can say (the tracking link, the attachments' URLs).
 */
export const Delivery = Type.Object(
  {
    ...deliveryFields,
    proof: Type.Union([proofOf(Type.Object(ProofAttachmentFields)), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Delivery = Static<typeof Delivery>;

export const ProofAttachmentLink = Type.Object(
  {
    ...ProofAttachmentFields,
    url: Type.String({ description: 'GET it with the same credentials as the delivery' }),
  },
  { additionalProperties: false },
);

export const AttachmentParams = Type.Object(
  { id: Uuid, attachment_id: Uuid },
  { additionalProperties: false },
);

export const DeliveryAttention = Type.Object(
  {
    reason: Type.String({
      description: 'What an operator did to the workflow and how the delivery now stands',
    }),
    since: Instant,
    who_can_fix: Type.String({ description: 'Who can put it right, and how' }),
  },
  {
    additionalProperties: false,
    description:
      "The delivery's workflow and its stored state disagree after an operator's action in Temporal that the platform could not reconcile itself (a Terminate while open, a reset of a finished delivery); cleared by the next event the workflow records",
  },
);
export type DeliveryAttention = Static<typeof DeliveryAttention>;

export const DeliveryResource = Type.Object(
  {
    ...deliveryFields,
    attention: Type.Union([DeliveryAttention, Type.Null()]),
    proof: Type.Union([proofOf(ProofAttachmentLink), Type.Null()], {
      description: 'Who received it and the photos, once COMPLETED with a proof',
    }),
    tracking_url: Type.String({
      format: 'uri',
      description:
        'The public tracking page to forward to the recipient (no account needed); POST …/tracking-link replaces it and the old one stops working',
    }),
  },
  { additionalProperties: false },
);
export type DeliveryResource = Static<typeof DeliveryResource>;

export const TimelineEvent = Type.Object(
  {
    type: StringEnum(DELIVERY_EVENT_TYPES, {
      description:
        "created/assigned/status_changed/cancelled change the delivery; cancel_refused, resumed and reconciled record what an operator did to its workflow in Temporal; offered, offer_declined, offer_expired, offer_withdrawn and returned_to_queue record auto-dispatch (the offered admin is named in `reason`; a decline's actor is the admin who declined)",
    }),
    from_status: Type.Union([Status, Type.Null()]),
    to_status: Status,
    actor_id: Nullable(Uuid),
    actor_key_name: Type.Union([Type.String(), Type.Null()], {
      description: "The name of the partner's API key that made the change, if one did",
    }),
    actor_name: Type.Union([Type.String(), Type.Null()], {
      description: 'The first and last name of the user who made the change, if a user did',
    }),
    assigned_to: Type.Union([Uuid, Type.Null()], {
      description:
        'Who the delivery was assigned to once this event happened (null when nobody was, and on events recorded before this field existed)',
    }),
    assignee_name: Type.Union([Type.String(), Type.Null()], {
      description: 'The first and last name of `assigned_to`',
    }),
    reason: Nullable(Type.String()),
    failure_reason: Type.Union([FailureReasonCode, Type.Null()]),
    proof: Type.Union([proofOf(ProofAttachmentLink), Type.Null()]),
    at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type TimelineEvent = Static<typeof TimelineEvent>;

export const DeliveryWithTimeline = Type.Object(
  { ...DeliveryResource.properties, timeline: Type.Array(TimelineEvent) },
  { additionalProperties: false },
);

const deliveryFilters = {
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
  needs_attention: Type.Optional(
    Type.Boolean({
      description: 'true: only deliveries flagged `attention` after an operator action in Temporal',
    }),
  ),
  returned_to_queue: Type.Optional(
    Type.Boolean({
      description:
        'true: only deliveries auto-dispatch handed back for a human (nobody accepted its offers) that are still CREATED',
    }),
  ),
  id_prefix: Type.Optional(
    Type.String({
      pattern: '^[0-9a-fA-F]{8}[0-9a-fA-F-]{0,28}$',
      description:
        "The start of the delivery's id: 8 hex digits or more, its hyphens kept or left out (the console names a delivery by its first 8)",
      examples: ['3f2b8c1e'],
    }),
  ),
};

export const DeliveryListQuery = Type.Object(
  {
    ...deliveryFilters,
    order: Type.Optional(
      StringEnum(['newest', 'oldest'] as const, {
        default: 'newest',
        description:
          'newest (default): the newest first; oldest: the oldest first, e.g. the delivery that has waited longest in `status=CREATED`',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

/** The list's filters without its paging: an export walks every page itself. */
export const DeliveryExportQuery = Type.Object(deliveryFilters, { additionalProperties: false });

export const DeliveryCsv = Type.String({
  description:
    'RFC 4180 CSV in UTF-8: a header row naming the columns, then one record per delivery, newest first; lines end in CRLF',
});

export const DeliveryPage = Page(DeliveryResource);

export const AssignRequest = Type.Object({ admin_id: Uuid }, { additionalProperties: false });

export const ProofRequest = Type.Object(
  {
    received_by: Type.String({
      maxLength: 200,
      pattern: NOT_BLANK_PATTERN,
      description: 'Who took the parcel',
    }),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    attachment_ids: Type.Array(Uuid, {
      maxItems: 10,
      uniqueItems: true,
      description: 'Images uploaded to POST /deliveries/{id}/attachments for this delivery',
    }),
  },
  { additionalProperties: false },
);
export type ProofRequest = Static<typeof ProofRequest>;

export const StatusRequest = Type.Object(
  {
    status: StringEnum(ADMIN_SETTABLE_STATUSES),
    reason: Type.Optional(Reason),
    failure_reason: Type.Optional(FailureReasonCode),
    proof: Type.Optional(ProofRequest),
  },
  {
    additionalProperties: false,
    description:
      'FAILED requires `failure_reason` (and `reason` when it is `other`); `proof` goes with COMPLETED only, and is required when the delivery was created with `proof_required`',
    allOf: [
      {
        if: { properties: { status: { const: 'FAILED' } }, required: ['status'] },
        then: { required: ['failure_reason'], [REFUSAL]: 'is required when the status is FAILED' },
        else: {
          properties: {
            failure_reason: { not: {}, [REFUSAL]: 'goes with the status FAILED only' },
          },
        },
      },
      {
        if: { properties: { failure_reason: { const: 'other' } }, required: ['failure_reason'] },
        then: { required: ['reason'], [REFUSAL]: 'is required when the failure_reason is other' },
      },
      {
        if: { properties: { status: { const: 'COMPLETED' } }, required: ['status'] },
        else: {
          properties: { proof: { not: {}, [REFUSAL]: 'goes with the status COMPLETED only' } },
        },
      },
    ],
  },
);
export type StatusRequest = Static<typeof StatusRequest>;

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
