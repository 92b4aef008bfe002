import { Type, type Static } from '@sinclair/typebox';
import {
  DEFAULT_MAX_OFFERS,
  DEFAULT_OFFER_TIMEOUT_SECONDS,
  DISPATCH_MODES,
  MAX_MAX_OFFERS,
  MAX_OFFER_TIMEOUT_SECONDS,
  MIN_OFFER_TIMEOUT_SECONDS,
  OFFER_STATUSES,
} from '../domain/dispatch';
import { StringEnum, Uuid } from './common';

/** The platform's dispatch settings (GET/PUT /settings/dispatch). */
export const DispatchSettingsBody = Type.Object(
  {
    mode: StringEnum(DISPATCH_MODES, {
      description:
        '`manual`: a super admin assigns every delivery; `auto`: each new delivery is offered to admins in turn. Applies to deliveries created afterwards.',
    }),
    offer_timeout_seconds: Type.Integer({
      minimum: MIN_OFFER_TIMEOUT_SECONDS,
      maximum: MAX_OFFER_TIMEOUT_SECONDS,
      default: DEFAULT_OFFER_TIMEOUT_SECONDS,
      description: 'How long an admin has to answer an offer before the next one is asked',
    }),
    max_offers: Type.Integer({
      minimum: 1,
      maximum: MAX_MAX_OFFERS,
      default: DEFAULT_MAX_OFFERS,
      description: 'Offers made for one delivery before it goes back to the queue for a human',
    }),
  },
  {
    additionalProperties: false,
    examples: [{ mode: 'auto', offer_timeout_seconds: 120, max_offers: 3 }],
  },
);
export type DispatchSettingsBody = Static<typeof DispatchSettingsBody>;

/** What a PUT sends: the mode, and either number left out takes its default. */
export const DispatchSettingsRequest = Type.Object(
  {
    mode: DispatchSettingsBody.properties.mode,
    offer_timeout_seconds: Type.Optional(DispatchSettingsBody.properties.offer_timeout_seconds),
    max_offers: Type.Optional(DispatchSettingsBody.properties.max_offers),
  },
  {
    additionalProperties: false,
    examples: [{ mode: 'auto', offer_timeout_seconds: 120, max_offers: 3 }],
  },
);

export const AvailabilityRequest = Type.Object(
  { available: Type.Boolean({ description: 'Whether auto-dispatch may offer you deliveries' }) },
  { additionalProperties: false },
);

export const Availability = Type.Object(
  { user_id: Uuid, available: Type.Boolean() },
  { additionalProperties: false },
);

export const CapacityRequest = Type.Object(
  {
    capacity: Type.Union([Type.Integer({ minimum: 0, maximum: 1000 }), Type.Null()], {
      description:
        'Most open deliveries (plus unanswered offers) auto-dispatch gives this admin; null: no limit',
    }),
  },
  { additionalProperties: false },
);

export const Capacity = Type.Object(
  { admin_id: Uuid, capacity: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]) },
  { additionalProperties: false },
);

export const DeclineOfferRequest = Type.Union([
  Type.Object(
    { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

/**
 * An open offer: enough of the delivery for its admin to decide (GET /offers), what a courier
 * weighs before saying yes; the recipient's name, phone and email come with the assignment.
 */
export const OfferResource = Type.Object(
  {
    delivery_id: Uuid,
    admin_id: Type.String({ ...Uuid, description: 'The admin who holds the offer' }),
    number: Type.Integer({ minimum: 1, description: 'Which offer of this delivery this is' }),
    status: StringEnum(OFFER_STATUSES),
    offered_at: Type.String({ format: 'date-time' }),
    expires_at: Type.String({ format: 'date-time' }),
    product_name: Type.String(),
    delivery_address: Type.String(),
    delivery_date: Type.String({ format: 'date' }),
    dropoff_window: Type.Union([
      Type.Object(
        {
          start: Type.String({ format: 'date-time' }),
          end: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    notes: Type.Union([Type.String(), Type.Null()], {
      description: "The partner's notes for the courier (access codes, fragile goods…)",
    }),
    proof_required: Type.Boolean({
      description: 'Completing it needs a photo of the handover',
    }),
  },
  { additionalProperties: false },
);
export type OfferResource = Static<typeof OfferResource>;

export const OfferList = Type.Object(
  { data: Type.Array(OfferResource) },
  { additionalProperties: false },
);
