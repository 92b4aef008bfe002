import { Type } from '@sinclair/typebox';
import { answerOffer } from '../../deliveries/answer-offer';
import {
  isAvailable,
  pendingOffers,
  readDispatchSettings,
  setAvailability,
  setCapacity,
  writeDispatchSettings,
} from '../../db/repositories/dispatch';
import {
  DEFAULT_MAX_OFFERS,
  DEFAULT_OFFER_TIMEOUT_SECONDS,
  OFFER_STATUSES,
  type DispatchSettings,
} from '../../domain/dispatch';
import { notFound } from '../../domain/errors';
import { IdParams, StringEnum, Uuid } from '../../schemas/common';
import { DeliveryResource } from '../../schemas/deliveries';
import {
  Availability,
  AvailabilityRequest,
  Capacity,
  CapacityRequest,
  DeclineOfferRequest,
  DispatchSettingsBody,
  DispatchSettingsRequest,
  OfferList,
  type DispatchSettingsBody as DispatchSettingsBodyType,
} from '../../schemas/dispatch';
import { deliveryResource } from '../../tracking/delivery-resource';
import type { AppDeps } from '../deps';
import { changeKeyHeader, keyOf } from './deliveries';
import { problemResponse } from '../openapi-problems';
import { defineRoute, type RouteResult } from '../route';

const settingsBody = (settings: DispatchSettings): DispatchSettingsBodyType => ({
  mode: settings.mode,
  offer_timeout_seconds: settings.offerTimeoutSeconds,
  max_offers: settings.maxOffers,
});

const OfferDeclined = Type.Object(
  { delivery_id: Uuid, status: StringEnum(OFFER_STATUSES) },
  { additionalProperties: false },
);

const NO_OFFER = problemResponse('No offer of this delivery was made to you');
const OFFER_CLOSED = problemResponse(
  'The offer expired, was withdrawn (assigned by a super admin, cancelled) or was answered; `offer_status` says which',
  'offer-not-pending',
);
const UNAVAILABLE = problemResponse('Temporal is unreachable; retry after Retry-After seconds');

/** Offers and auto-dispatch (issue 20): settings, availability, capacity, and the answers. */
export function dispatchRoutes(deps: AppDeps) {
  const counted = (type: 'accept_offer' | 'decline_offer', replayed: boolean) =>
    deps.metrics.deliveryChanges.inc({ type, outcome: replayed ? 'replayed' : 'applied' });
  return [
    defineRoute({
      method: 'get',
      path: '/settings/dispatch',
      summary: 'The dispatch mode, offer timeout and offers per delivery',
      tag: 'dispatch',
      access: { roles: ['super_admin'] },
      responses: { 200: { description: 'The settings in force', schema: DispatchSettingsBody } },
      handle: async () => ({
        status: 200,
        body: settingsBody(await readDispatchSettings(deps.db)),
      }),
    }),
    defineRoute({
      method: 'put',
      path: '/settings/dispatch',
      summary: 'Switch between manual and auto dispatch (deliveries created afterwards)',
      description:
        'In `auto`, each new delivery is offered to the best candidate (an available admin under capacity, fewest open deliveries, then longest since their last offer); a decline or `offer_timeout_seconds` without an answer offers it to the next one, never the same admin twice; with nobody left, or after `max_offers`, it goes back to the unassigned queue and every super admin is notified. A delivery keeps the settings in force when it was created.',
      tag: 'dispatch',
      access: { roles: ['super_admin'] },
      body: DispatchSettingsRequest,
      example: () => ({ mode: 'auto' as const, offer_timeout_seconds: 120, max_offers: 3 }),
      responses: { 200: { description: 'The settings saved', schema: DispatchSettingsBody } },
      handle: async ({ body, user }) => {
        const saved = await writeDispatchSettings(
          deps.db,
          {
            mode: body.mode,
            offerTimeoutSeconds: body.offer_timeout_seconds ?? DEFAULT_OFFER_TIMEOUT_SECONDS,
            maxOffers: body.max_offers ?? DEFAULT_MAX_OFFERS,
          },
          user.id,
        );
        return { status: 200, body: settingsBody(saved) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users/me/availability',
      summary: 'Whether auto-dispatch may offer you deliveries (admins)',
      tag: 'dispatch',
      access: { roles: ['admin'] },
      responses: { 200: { description: 'Your availability', schema: Availability } },
      handle: async ({ user }) => ({
        status: 200,
        body: { user_id: user.id, available: await isAvailable(deps.db, user.id) },
      }),
    }),
    defineRoute({
      method: 'put',
      path: '/users/me/availability',
      summary: 'Say whether auto-dispatch may offer you deliveries (admins)',
      description:
        'Unavailable admins are offered nothing; deliveries already in your hands stay yours.',
      tag: 'dispatch',
      access: { roles: ['admin'] },
      body: AvailabilityRequest,
      example: () => ({ available: false }),
      responses: { 200: { description: 'Your availability', schema: Availability } },
      handle: async ({ body, user }) => {
        await setAvailability(deps.db, user.id, body.available);
        return { status: 200, body: { user_id: user.id, available: body.available } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/users/{id}/capacity',
      summary: "Set an admin's capacity: the most open deliveries auto-dispatch gives them",
      description:
        'Open deliveries (ASSIGNED, IN_TRANSIT) plus unanswered offers count; null removes the limit. A super admin may still assign above it by hand. GET /admins/workload shows every admin with their capacity, availability and load.',
      tag: 'dispatch',
      access: { roles: ['super_admin'] },
      params: IdParams,
      body: CapacityRequest,
      example: () => ({ capacity: 5 }),
      responses: {
        200: { description: "The admin's capacity", schema: Capacity },
        404: problemResponse('No admin has this id'),
      },
      handle: async ({ body, params }) => {
        if (!(await setCapacity(deps.db, params.id, body.capacity))) throw notFound('The admin');
        return { status: 200, body: { admin_id: params.id, capacity: body.capacity } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/offers',
      summary:
        'Open offers with the delivery and the deadline: your own (admins), or all (super admins)',
      description:
        'An admin sees the offers waiting for its answer; a super admin sees who holds which offer.',
      tag: 'dispatch',
      access: { roles: ['admin', 'super_admin'] },
      responses: { 200: { description: 'Oldest first (not paginated)', schema: OfferList } },
      handle: async ({ user }) => ({
        status: 200,
        body: { data: await pendingOffers(deps.db, user.role === 'admin' ? user.id : null) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/deliveries/{id}/offer/accept',
      summary: 'Accept the offer made to you: the delivery is assigned to you',
      description:
        "The same assignment as a super admin's (`assigned` on the timeline; you and the partner are notified). After the offer expired or was withdrawn it is a 409 saying which.",
      tag: 'dispatch',
      access: { roles: ['admin'] },
      lane: 'change',
      params: IdParams,
      headers: changeKeyHeader,
      responses: {
        200: { description: 'The delivery, now ASSIGNED to you', schema: DeliveryResource },
        404: NO_OFFER,
        409: OFFER_CLOSED,
        503: UNAVAILABLE,
      },
      handle: async ({ user, params, headers }): Promise<RouteResult> => {
        const { delivery, replayed } = await answerOffer(
          deps,
          user,
          params.id,
          { kind: 'accept' },
          keyOf(headers),
        );
        counted('accept_offer', replayed);
        const body = deliveryResource(deps.config.PUBLIC_URL, delivery);
        return replayed
          ? { status: 200, body, headers: { 'Idempotent-Replayed': 'true' } }
          : { status: 200, body };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/deliveries/{id}/offer/decline',
      summary: 'Decline the offer made to you, with a reason; it goes to the next candidate',
      tag: 'dispatch',
      access: { roles: ['admin'] },
      lane: 'change',
      params: IdParams,
      body: DeclineOfferRequest,
      example: () => ({ reason: 'Van is full' }),
      headers: changeKeyHeader,
      responses: {
        200: { description: 'Declined', schema: OfferDeclined },
        404: NO_OFFER,
        409: OFFER_CLOSED,
        503: UNAVAILABLE,
      },
      handle: async ({ user, params, body, headers }): Promise<RouteResult> => {
        const { replayed } = await answerOffer(
          deps,
          user,
          params.id,
          { kind: 'decline', reason: body?.reason ?? null },
          keyOf(headers),
        );
        counted('decline_offer', replayed);
        return { status: 200, body: { delivery_id: params.id, status: 'declined' } };
      },
    }),
  ];
}
