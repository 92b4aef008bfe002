import { Type, type Static } from '@sinclair/typebox';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../domain/notification-rules';
import { DeliveryResource } from './deliveries';

/**
 * The event catalogue's version: the `User-Agent` of every webhook request names it
 * (`delivery-aggregator-webhooks/1`). A field may be added within a version; removing or changing
 * one makes the next.
 */
export const WEBHOOK_CATALOGUE_VERSION = 1;

const delivery = DeliveryResource.properties;

/**
 * What every delivery event tells the partner: the change, and the delivery's links and outcome
 * as `GET /deliveries/{id}` shows them (`proof` with its images' URLs, once COMPLETED).
 */
export const WebhookDeliveryData = Type.Object(
  {
    delivery_id: delivery.id,
    status: delivery.status,
    previous_status: Type.Union([delivery.status, Type.Null()]),
    assigned_to: delivery.assigned_to,
    reason: Type.Union([Type.String(), Type.Null()], {
      description: 'The reason given with the change (a cancellation, a failure), if any',
    }),
    changed_at: Type.String({ format: 'date-time' }),
    tracking_url: delivery.tracking_url,
    dropoff_window: delivery.dropoff_window,
    recipient_email: delivery.recipient_email,
    failure_reason: delivery.failure_reason,
    proof: delivery.proof,
  },
  { additionalProperties: false },
);
export type WebhookDeliveryData = Static<typeof WebhookDeliveryData>;

/** What `batch.completed` tells the partner: the batch's counts, as GET /deliveries/batches/{id} shows them. */
export const BatchCompletedData = Type.Object(
  {
    batch_id: Type.String({ format: 'uuid' }),
    total: Type.Integer({ minimum: 1 }),
    created: Type.Integer({ minimum: 0 }),
    replayed: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    completed_at: Type.String({ format: 'date-time' }),
    batch_url: Type.String({
      format: 'uri',
      description: "GET it (with your credentials) for each item's result",
    }),
  },
  { additionalProperties: false },
);
export type BatchCompletedData = Static<typeof BatchCompletedData>;

/** When each event is sent, as the catalogue documents it. */
export const WEBHOOK_EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  'delivery.created': 'A delivery was requested (status `CREATED`).',
  'delivery.assigned': 'A super admin assigned or reassigned the delivery to an admin.',
  'delivery.status_changed':
    'The delivery moved on: `IN_TRANSIT`, `COMPLETED` (with its `proof`, if any) or `FAILED` (with its `failure_reason`).',
  'delivery.cancelled': 'The partner or a super admin cancelled the delivery.',
  'batch.completed':
    'Every delivery of a bulk create (POST /deliveries/batches) was tried: created, replayed or refused.',
};

/** One event type's body: the same envelope, its `type` fixed. */
export const webhookEventSchema = (type: WebhookEventType) =>
  Type.Object(
    {
      id: Type.String({
        pattern: '^evt_[0-9a-f]{32}$',
        description:
          'Stable for the change it reports: the same in every retry and replay (and the `Webhook-Id` header), so receivers dedupe on it',
      }),
      type: Type.Literal(type),
      created_at: Type.String({ format: 'date-time' }),
      data: type === 'batch.completed' ? BatchCompletedData : WebhookDeliveryData,
    },
    { additionalProperties: false, description: WEBHOOK_EVENT_DESCRIPTIONS[type] },
  );

/** Any event of the catalogue, as an attempt in the log records it. */
export const WebhookEventBody = Type.Union(WEBHOOK_EVENT_TYPES.map(webhookEventSchema));
