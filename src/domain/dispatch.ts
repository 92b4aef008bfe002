/**
 * Offers and auto-dispatch, the pure rules (issue 20): the platform's modes, an offer's life and
 * the words of its events. Safe inside the workflow sandbox: no I/O, no clock.
 */

/** `manual`: a super admin assigns every delivery; `auto`: the workflow offers it to admins. */
export const DISPATCH_MODES = ['manual', 'auto'] as const;
export type DispatchMode = (typeof DISPATCH_MODES)[number];

export const DEFAULT_OFFER_TIMEOUT_SECONDS = 120;
export const DEFAULT_MAX_OFFERS = 3;
export const MIN_OFFER_TIMEOUT_SECONDS = 10;
export const MAX_OFFER_TIMEOUT_SECONDS = 24 * 3600;
export const MAX_MAX_OFFERS = 50;

/** The platform's dispatch settings; a delivery keeps the ones in force when it was created. */
export interface DispatchSettings {
  mode: DispatchMode;
  offerTimeoutSeconds: number;
  maxOffers: number;
}

export const DEFAULT_DISPATCH_SETTINGS: DispatchSettings = {
  mode: 'manual',
  offerTimeoutSeconds: DEFAULT_OFFER_TIMEOUT_SECONDS,
  maxOffers: DEFAULT_MAX_OFFERS,
};

/** A pending offer waits for its admin; every other status is final. */
export const OFFER_STATUSES = ['pending', 'accepted', 'declined', 'expired', 'withdrawn'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];
export type OfferOutcome = Exclude<OfferStatus, 'pending'>;
/** The outcomes with a timeline event of their own (an accept records `assigned`). */
export type OfferClosing = Exclude<OfferOutcome, 'accepted'>;

/** The timeline event of each closing outcome. */
export const OFFER_CLOSING_EVENTS = {
  declined: 'offer_declined',
  expired: 'offer_expired',
  withdrawn: 'offer_withdrawn',
} as const satisfies Record<OfferClosing, string>;

/** Why a delivery came back to the unassigned queue. */
export type QueueReturn = 'no_candidate' | 'offers_exhausted';

export function queueReturnReason(why: QueueReturn, offers: number): string {
  switch (why) {
    case 'no_candidate':
      return offers === 0
        ? 'Auto-dispatch found no available admin under capacity; a super admin must assign it.'
        : `Auto-dispatch found no other available admin under capacity after ${offers} offer${offers === 1 ? '' : 's'}; a super admin must assign it.`;
    case 'offers_exhausted':
      return `None of the ${offers} admins offered this delivery accepted it; a super admin must assign it.`;
    default: {
      const unknown: never = why;
      throw new Error(`Unknown queue return ${String(unknown)}`);
    }
  }
}

/** What an accept or a decline is told when the caller's offer is no longer open. */
export function offerClosedMessage(status: OfferStatus | null, at: string | null): string {
  switch (status) {
    case null:
      return 'You hold no offer for this delivery.';
    case 'pending':
      return 'Your offer for this delivery is still open.';
    case 'accepted':
      return 'You already accepted this offer.';
    case 'declined':
      return 'You declined this offer; it cannot be accepted any more.';
    case 'expired':
      return `This offer expired${at ? ` at ${at}` : ''}; the delivery was offered elsewhere or returned to the queue.`;
    case 'withdrawn':
      return `This offer was withdrawn${at ? ` at ${at}` : ''}: the delivery was assigned by a super admin or cancelled.`;
    default: {
      const unknown: never = status;
      throw new Error(`Unknown offer status ${String(unknown)}`);
    }
  }
}
