import { Type, type Static } from '@sinclair/typebox';
import { IDEMPOTENCY_KEY_PATTERN } from '../domain/idempotency-key';
import { Page, PageQuery, StringEnum, Uuid } from './common';
import { CreateDeliveryRequest } from './deliveries';

/** The most deliveries one batch may carry. */
export const BATCH_MAX_DELIVERIES = 1000;

const Instant = Type.String({ format: 'date-time' });

/** One delivery of a batch: a single create's body, with the key its Idempotency-Key would be. */
export const BatchDeliveryRequest = Type.Object(
  {
    ...CreateDeliveryRequest.properties,
    idempotency_key: Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: IDEMPOTENCY_KEY_PATTERN,
      description:
        'What the Idempotency-Key of a single create would be (your order number, say): the same key in another batch, or in POST /deliveries, is the same delivery',
      examples: ['order-1042'],
    }),
  },
  {
    additionalProperties: false,
    if: CreateDeliveryRequest.if,
    then: CreateDeliveryRequest.then,
  },
);
export type BatchDeliveryRequest = Static<typeof BatchDeliveryRequest>;

export const CreateBatchRequest = Type.Object(
  {
    deliveries: Type.Array(BatchDeliveryRequest, {
      minItems: 1,
      maxItems: BATCH_MAX_DELIVERIES,
      description: `1 to ${BATCH_MAX_DELIVERIES} deliveries, each with its own \`idempotency_key\` (unique within the batch)`,
    }),
  },
  { additionalProperties: false },
);
export type CreateBatchRequest = Static<typeof CreateBatchRequest>;

export const BATCH_ITEM_STATUSES = ['pending', 'created', 'replayed', 'failed'] as const;
export type BatchItemStatus = (typeof BATCH_ITEM_STATUSES)[number];

const ItemProblem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
    ),
  },
  { additionalProperties: true, description: 'What a single create would have answered' },
);

export const BatchItem = Type.Object(
  {
    index: Type.Integer({ minimum: 0, description: 'Its place in `deliveries`, from 0' }),
    idempotency_key: Type.String(),
    status: StringEnum(BATCH_ITEM_STATUSES, {
      description:
        '`pending` until tried; `created`; `replayed` (the key was already a delivery with this body); `failed` (see `problem`)',
    }),
    delivery_id: Type.Union([Uuid, Type.Null()]),
    problem: Type.Union([ItemProblem, Type.Null()]),
  },
  { additionalProperties: false },
);
export type BatchItem = Static<typeof BatchItem>;

export const BATCH_STATUSES = ['processing', 'completed'] as const;

const batchFields = {
  id: Uuid,
  status: StringEnum(BATCH_STATUSES),
  total: Type.Integer({ minimum: 1 }),
  processed: Type.Integer({ minimum: 0, description: 'Items tried so far' }),
  created: Type.Integer({ minimum: 0 }),
  replayed: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  created_at: Instant,
  completed_at: Type.Union([Instant, Type.Null()]),
};

export const BatchResource = Type.Object(
  { ...batchFields, items: Type.Array(BatchItem) },
  { additionalProperties: false },
);
export type BatchResource = Static<typeof BatchResource>;

/** A batch in the list: its progress without its items (a batch may hold 1,000). */
export const BatchSummary = Type.Object(batchFields, { additionalProperties: false });
export type BatchSummary = Static<typeof BatchSummary>;

export const BatchPage = Page(BatchSummary);

export const BatchListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
