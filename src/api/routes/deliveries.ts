import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import {
  changeDelivery,
  findVisibleDelivery,
  type ChangedDelivery,
  type DeliveryChangeRequest,
} from '../../deliveries/change-delivery';
import { createDelivery } from '../../deliveries/create-delivery';
import { exportDeliveriesCsv } from '../../deliveries/delivery-export';
import {
  deliveryTimeline,
  listDeliveries,
  type StoredDelivery,
} from '../../db/repositories/deliveries';
import { revokeTrackingLink } from '../../deliveries/tracking-link';
import { IDEMPOTENCY_KEY_PATTERN } from '../../domain/idempotency-key';
import { utcDate } from '../../domain/utc-date';
import { EXAMPLE_ID, IdParams } from '../../schemas/common';
import {
  AssignRequest,
  CancelRequest,
  CreateDeliveryRequest,
  DeliveryCsv,
  DeliveryExportQuery,
  DeliveryListQuery,
  DeliveryResource,
  DeliveryPage,
  DeliveryWithTimeline,
  StatusRequest,
  TransitionProblem,
} from '../../schemas/deliveries';
import type { AppDeps } from '../deps';
import { deliveryResource, timelineEventResource } from '../../tracking/delivery-resource';
import { problemResponse } from '../openapi-problems';
import { exportCsvExample, instantInDays } from '../examples';
import { defineRoute, type AuthUser, type RouteResult } from '../route';
import { API_PREFIX } from '../router';

const NOT_VISIBLE = problemResponse('No such delivery, or not visible to the caller');
const INVALID_TRANSITION = {
  description: 'Not allowed from the current status; `allowed` lists the statuses it may move to',
  schema: TransitionProblem,
};
const UNAVAILABLE = problemResponse('Temporal is unreachable; retry after Retry-After seconds');
const KEY_REUSED = problemResponse(
  'The Idempotency-Key was used with another request',
  'idempotency-key-mismatch',
);
const changeResponses = (description: string) => ({
  200: {
    description: `${description}; a repeat with the same Idempotency-Key gets the original answer and the header Idempotent-Replayed: true`,
    schema: DeliveryResource,
  },
  404: NOT_VISIBLE,
  409: INVALID_TRANSITION,
  422: KEY_REUSED,
  503: UNAVAILABLE,
});
const IDEMPOTENCY_KEY = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: IDEMPOTENCY_KEY_PATTERN,
  examples: ['order-1042'],
});
/** The Idempotency-Key of a change to a delivery (assign, status, cancel, an offer's answer). */
export const changeKeyHeader = {
  'Idempotency-Key': {
    description:
      '1–255 printable ASCII characters, not starting or ending with a space, scoped to the caller and the delivery: a repeat returns the original answer (Idempotent-Replayed: true); the same key with another action or body is a 422',
    schema: IDEMPOTENCY_KEY,
  },
};

// Node joins repeated custom headers with ", ", so this is one string or absent.
export const keyOf = (headers: Record<string, unknown>) =>
  headers['idempotency-key'] as string | undefined;

export function deliveryRoutes(deps: AppDeps) {
  const resource = (delivery: StoredDelivery) => deliveryResource(deps.config.PUBLIC_URL, delivery);
  const changed = ({ delivery, replayed }: ChangedDelivery): RouteResult =>
    replayed
      ? { status: 200, body: resource(delivery), headers: { 'Idempotent-Replayed': 'true' } }
      : { status: 200, body: resource(delivery) };
  const applyChange = async (
    user: AuthUser,
    id: string,
    change: DeliveryChangeRequest,
    headers: Record<string, unknown>,
  ): Promise<RouteResult> => {
    const result = await changeDelivery(deps, user, id, change, keyOf(headers));
    const outcome = result.replayed ? 'replayed' : 'applied';
    deps.metrics.deliveryChanges.inc({ type: change.kind, outcome });
    return changed(result);
  };
  return [
    defineRoute({
      method: 'post',
      path: '/deliveries',
      summary: 'Request a delivery (idempotent: a repeat returns the same delivery)',
      description:
        'Creates the delivery in status `CREATED` and answers at once; a super admin then assigns it to an admin, and you are notified of each change (in-app, email, webhook). The answer carries `tracking_url`, a public page to forward to your customer. `delivery_date` is today or later in the platform business time zone (BUSINESS_TIMEZONE, UTC by default), the zone whose end of that day makes the delivery overdue; with a `dropoff_window` (both ends in the future, at most 7 days apart) it may be left out and is the date the window ends, and a delivery not finished by the window end is recorded late. With `recipient_email` the recipient is emailed the tracking link when the delivery is assigned, leaves and ends. With `proof_required`, COMPLETED needs a photo. Send an `Idempotency-Key` (your order number, say) so that a retry never creates a second delivery: a repeat answers 200 with `Idempotent-Replayed: true`. Without the header, the same body from the same partner is the key.',
      tag: 'deliveries',
      access: { roles: ['partner'] },
      lane: 'create',
      body: CreateDeliveryRequest,
      example: () => ({
        product_name: 'Espresso machine',
        delivery_address: '12 Rue de la Paix, 75002 Paris',
        dropoff_window: { start: instantInDays(7, 9), end: instantInDays(7, 11) },
        recipient_name: 'Camille Martin',
        recipient_phone: '+33 6 12 34 56 78',
        recipient_email: 'camille.martin@example.com',
        notes: 'Fragile: ring twice, 3rd floor',
        proof_required: true,
      }),
      headers: {
        'Idempotency-Key': {
          description:
            '1–255 printable ASCII characters, not starting or ending with a space, scoped to the caller (your order number, say); replaces the body as the key',
          schema: IDEMPOTENCY_KEY,
        },
      },
      responses: {
        201: { description: 'Created; Location names the delivery', schema: DeliveryResource },
        200: {
          description: 'A repeat (header Idempotent-Replayed: true)',
          schema: DeliveryResource,
        },
        403: problemResponse(
          'Only partners may request deliveries, and only once their email address is confirmed (`email-not-verified`)',
        ),
        422: problemResponse(
          'A `delivery_date` that contradicts the drop-off window, or the Idempotency-Key was used with another request (`idempotency-key-mismatch`)',
        ),
        503: UNAVAILABLE,
      },
      handle: async ({ user, body, headers }): Promise<RouteResult> => {
        const { delivery, created } = await createDelivery(deps, user, body, keyOf(headers));
        deps.metrics.deliveriesCreated.inc({ outcome: created ? 'new' : 'replayed' });
        if (!created) {
          return {
            status: 200,
            body: resource(delivery),
            headers: { 'Idempotent-Replayed': 'true' },
          };
        }
        const location = `${API_PREFIX}/deliveries/${delivery.id}`;
        return { status: 201, body: resource(delivery), headers: { Location: location } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/deliveries',
      summary:
        'List visible deliveries, newest first or oldest first (partner: own; admin: assigned; super admin: all)',
      tag: 'deliveries',
      access: { roles: ['partner', 'admin', 'super_admin'] },
      query: DeliveryListQuery,
      responses: { 200: { description: 'One page', schema: DeliveryPage } },
      handle: async ({ user, query }) => {
        const { limit = 20, cursor, order, ...filters } = query;
        const page = await listDeliveries(deps.db, user, filters, { limit, cursor, order });
        return {
          status: 200,
          body: { data: page.rows.map(resource), next_cursor: page.next_cursor },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/deliveries/export',
      summary: 'Download the visible deliveries matching the list filters as CSV',
      description:
        "The same deliveries `GET /deliveries` would list with the same filters (partner: own; admin: assigned; super admin: all), every page of them, newest first, streamed as RFC 4180 CSV in UTF-8 with a header row. A text cell that starts like a spreadsheet formula (`=`, `+`, `-`, `@`) is prefixed with `'`. The answer is streamed as it is read, so its size is not known in advance; a download cut short lacks its last CRLF.",
      tag: 'deliveries',
      curl: 'curl "$API/deliveries/export?status=COMPLETED&date_from=2030-01-01" -H "Authorization: Bearer $KEY" -o deliveries.csv',
      access: { roles: ['partner', 'admin', 'super_admin'] },
      query: DeliveryExportQuery,
      responses: {
        200: {
          description: 'The CSV file',
          schema: Type.String({ ...DeliveryCsv, examples: [exportCsvExample()] }),
          contentType: 'text/csv',
        },
      },
      handle: async ({ user, query }) => {
        const csv = await exportDeliveriesCsv(deps.db, deps.config.PUBLIC_URL, user, query);
        return {
          status: 200,
          // One page ahead at most: the socket's pace decides when the next page is read.
          body: Readable.from(csv, { highWaterMark: 1 }),
          headers: {
            'Content-Type': 'text/csv; charset=utf-8; header=present',
            'Content-Disposition': `attachment; filename="deliveries-${utcDate(Date.now())}.csv"`,
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/deliveries/{id}',
      summary: 'A delivery with its timeline, oldest event first',
      tag: 'deliveries',
      access: { roles: ['partner', 'admin', 'super_admin'] },
      params: IdParams,
      responses: {
        200: { description: 'The delivery', schema: DeliveryWithTimeline },
        404: NOT_VISIBLE,
      },
      handle: async ({ user, params }) => {
        const delivery = await findVisibleDelivery(deps.db, user, params.id);
        const timeline = (await deliveryTimeline(deps.db, delivery.id)).map((event) =>
          timelineEventResource(deps.config.PUBLIC_URL, delivery.id, event),
        );
        return { status: 200, body: { ...resource(delivery), timeline } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/deliveries/{id}/assign',
      summary: 'Assign (or reassign) the delivery to an active admin',
      description:
        'Possible while the delivery is `CREATED` or `ASSIGNED`; the admin, the previous one and the partner are notified.',
      tag: 'deliveries',
      access: { roles: ['super_admin'] },
      lane: 'change',
      params: IdParams,
      body: AssignRequest,
      example: () => ({ admin_id: EXAMPLE_ID }),
      headers: changeKeyHeader,
      responses: {
        ...changeResponses('Assigned'),
        422: problemResponse(
          'The target is not an active admin, or the Idempotency-Key was reused',
        ),
      },
      handle: async ({ user, params, body, headers }) =>
        applyChange(user, params.id, { kind: 'assign', adminId: body.admin_id }, headers),
    }),
    defineRoute({
      method: 'post',
      path: '/deliveries/{id}/status',
      summary: 'Move the delivery on (the assigned admin, or a super admin)',
      description:
        '`ASSIGNED` → `IN_TRANSIT` → `COMPLETED` or `FAILED`; a 409 names the current status and the allowed next ones. FAILED needs a `failure_reason` from the catalogue (`recipient_unavailable`, `address_not_found`, `refused`, `damaged`, `other` — then `reason` says why). COMPLETED may carry a `proof` (who received it, a note, the ids of photos uploaded to POST …/attachments); a delivery created with `proof_required` needs one with at least one photo (422 naming `proof`). The partner (and the recipient, with `recipient_email`) is notified.',
      tag: 'deliveries',
      access: { roles: ['admin', 'super_admin'] },
      lane: 'change',
      params: IdParams,
      body: StatusRequest,
      example: () => ({
        status: 'FAILED' as const,
        failure_reason: 'recipient_unavailable' as const,
        reason: 'Rang twice, left a card',
      }),
      headers: changeKeyHeader,
      responses: {
        ...changeResponses('The delivery in its new status'),
        422: problemResponse(
          'A proof is missing where the delivery requires one, or names images of another delivery (`proof`), or the Idempotency-Key was reused',
        ),
      },
      handle: async ({ user, params, body, headers }) =>
        applyChange(
          user,
          params.id,
          {
            kind: 'transition',
            status: body.status,
            reason: body.reason ?? null,
            // Only what was sent: the request hash of an older repeat keeps its shape.
            ...(body.failure_reason ? { failureReason: body.failure_reason } : {}),
            ...(body.proof ? { proof: body.proof } : {}),
          },
          headers,
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/deliveries/{id}/cancel',
      summary: 'Cancel a delivery not yet in transit (its partner, or a super admin)',
      description:
        'The body is optional. Once the delivery is `IN_TRANSIT` (or finished) a cancel is a 409.',
      tag: 'deliveries',
      access: { roles: ['partner', 'super_admin'] },
      lane: 'change',
      params: IdParams,
      body: CancelRequest,
      example: () => ({ reason: 'The customer cancelled the order' }),
      headers: changeKeyHeader,
      responses: changeResponses('Cancelled'),
      handle: async ({ user, params, body, headers }) =>
        applyChange(user, params.id, { kind: 'cancel', reason: body?.reason ?? null }, headers),
    }),
    defineRoute({
      method: 'post',
      path: '/deliveries/{id}/tracking-link',
      summary: 'Replace the tracking link (the old one stops working at once)',
      description:
        'For a link forwarded to the wrong person: the delivery gets a new random `tracking_url` and the old one answers 404 like any unknown link. Its partner or a super admin.',
      tag: 'deliveries',
      access: { roles: ['partner', 'super_admin'] },
      params: IdParams,
      responses: {
        200: { description: 'The delivery with its new `tracking_url`', schema: DeliveryResource },
        404: NOT_VISIBLE,
      },
      handle: async ({ user, params }) => ({
        status: 200,
        body: resource(await revokeTrackingLink(deps.db, user, params.id)),
      }),
    }),
  ];
}
