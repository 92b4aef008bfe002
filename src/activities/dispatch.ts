import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import {
  appendDeliveryEvent,
  lockDeliveryForEvent,
  type NewDeliveryEvent,
} from '../db/repositories/deliveries';
import {
  closeOffer,
  markReturnedToQueue,
  offerToBestCandidate,
  type OfferedAdmin,
} from '../db/repositories/dispatch';
import { insertNotifications } from '../db/repositories/notifications';
import { findActiveSuperAdmins, findUsersByIds } from '../db/repositories/users';
import type { DispatchEventType } from '../domain/delivery-events';
import { OFFER_CLOSING_EVENTS, type OfferOutcome } from '../domain/dispatch';
import type { NotificationContent } from '../domain/notification-rules';
import type { Notice } from '../notifications/channels';
import { emailChannel } from '../notifications/channels/email';
import type { NotificationSettings } from '../notifications/notification-settings';
import { consoleOffersUrl } from '../tracking/tracking-links';
import type { Delivery } from '../schemas/deliveries';
import type { DeliveryFanOut, OutboundJob } from '../workflows/delivery-event';

/** What every dispatch record carries: the delivery as the workflow holds it, and when. */
interface DispatchRecord {
  eventKey: string;
  /** Workflow clock. */
  at: string;
  delivery: Delivery;
}

export interface OfferRequest extends DispatchRecord {
  /** 1 for the first offer of the delivery, 2 for the next… */
  number: number;
  expiresAt: string;
}

/** The offer made, or `adminId: null` when no admin fits. */
export interface OfferMade extends DeliveryFanOut {
  adminId: string | null;
}

export interface OfferClosingRecord extends DispatchRecord {
  number: number;
  adminId: string;
  outcome: OfferOutcome;
  reason: string | null;
  /** Who closed it: the admin who declined; null for a timer or a withdrawal. */
  actorId: string | null;
}

export interface QueueReturnRecord extends DispatchRecord {
  reason: string;
}

const adminName = (admin: OfferedAdmin) =>
  `${admin.first_name} ${admin.last_name}`.trim() || admin.email;

const label = (delivery: Delivery) => `Delivery "${delivery.product_name}"`;

function offerContent(delivery: Delivery, expiresAt: string): NotificationContent {
  const window = delivery.dropoff_window
    ? ` (drop-off ${delivery.dropoff_window.start} – ${delivery.dropoff_window.end})`
    : ` (due ${delivery.delivery_date})`;
  return {
    type: 'delivery.offered',
    title: 'New delivery offer',
    message: `${label(delivery)} to ${delivery.delivery_address}${window} is offered to you until ${expiresAt}. Accept or decline it in the console.`,
  };
}

function closingContent(delivery: Delivery, outcome: OfferOutcome): NotificationContent | null {
  switch (outcome) {
    case 'expired':
      return {
        type: 'delivery.offer_expired',
        title: 'Offer expired',
        message: `Your offer for ${label(delivery)} expired unanswered.`,
      };
    case 'withdrawn':
      return {
        type: 'delivery.offer_withdrawn',
        title: 'Offer withdrawn',
        message: `Your offer for ${label(delivery)} was withdrawn: it was assigned by a super admin or cancelled.`,
      };
    case 'accepted':
    case 'declined':
      // The admin's own answer: the change it makes tells them enough.
      return null;
    default: {
      const unknown: never = outcome;
      throw new Error(`Unknown offer outcome ${String(unknown)}`);
    }
  }
}

const returnedContent = (delivery: Delivery, reason: string): NotificationContent => ({
  type: 'delivery.returned_to_queue',
  title: 'A delivery needs a human',
  message: `${label(delivery)}: ${reason}`,
});

export function createDispatchActivities(db: Db, settings: NotificationSettings) {
  /** The row locked, the event stored once, in-app notices stored; then the emails planned. */
  async function record(
    trx: Knex.Transaction,
    event: DispatchRecord & { type: DispatchEventType; actorId: string | null; reason: string },
    notices: readonly Notice[],
    { email }: { email: boolean },
  ): Promise<DeliveryFanOut> {
    const { delivery } = event;
    const { row, eventExists } = await lockDeliveryForEvent(trx, delivery.id, event.eventKey);
    if (!row) throw new Error(`No row for delivery ${delivery.id}`);
    const stored: NewDeliveryEvent = {
      deliveryId: delivery.id,
      eventKey: event.eventKey,
      type: event.type,
      fromStatus: delivery.status,
      toStatus: delivery.status,
      actorId: event.actorId,
      reason: event.reason,
      at: event.at,
    };
    await appendDeliveryEvent(trx, stored);
    await insertNotifications(
      trx,
      notices.map(({ user, eventKey, content }) => ({
        user_id: user.id,
        event_key: eventKey,
        delivery_id: delivery.id,
        ...content,
      })),
    );
    const outbound: OutboundJob[] = [];
    if (email && notices.length > 0) {
      const job = await emailChannel.plan({
        trx,
        record: { ...stored, previousAssignee: null, delivery, keys: keysOf() },
        notices,
        recipient: null,
        partnerEvent: null,
        links: { settings, trackingToken: row.tracking_token },
      });
      if (job) outbound.push(job);
    }
    return { recorded: !eventExists, outbound };
  }

  return {
    /**
     * Offers the delivery to the best candidate under the dispatch lock (so concurrent
     * deliveries never push an admin above capacity), with its `offered` event, the admin's
     * in-app notification (and live stream) and an email; one transaction, once per offer number.
     */
    offerDelivery(request: OfferRequest): Promise<OfferMade> {
      return db.transaction(async (trx) => {
        const picked = await offerToBestCandidate(trx, {
          deliveryId: request.delivery.id,
          number: request.number,
          offeredAt: request.at,
          expiresAt: request.expiresAt,
        });
        if (!picked) return { adminId: null, recorded: false, outbound: [] };
        const { admin } = picked;
        const notice: Notice = {
          user: admin,
          eventKey: `${request.eventKey}:${admin.id}`,
          content: offerContent(request.delivery, request.expiresAt),
          consoleUrl: consoleOffersUrl(settings.publicUrl),
        };
        const reason = `Offered to ${adminName(admin)} (${admin.id}) until ${request.expiresAt}.`;
        const fanOut = await record(
          trx,
          { ...request, type: 'offered', actorId: null, reason },
          [notice],
          { email: true },
        );
        return { adminId: admin.id, ...fanOut };
      });
    },

    /**
     * Closes a pending offer (accepted, declined, expired, withdrawn) and, unless it was
     * accepted (whose `assigned` event says it), records its event and tells the admin in-app.
     */
    closeOffer(closing: OfferClosingRecord): Promise<DeliveryFanOut> {
      return db.transaction(async (trx) => {
        const { delivery, outcome } = closing;
        const closed = await closeOffer(
          trx,
          {
            deliveryId: delivery.id,
            number: closing.number,
            status: outcome,
            reason: closing.reason,
          },
          closing.at,
        );
        if (outcome === 'accepted') return { recorded: closed, outbound: [] };
        const content = closingContent(delivery, outcome);
        const notices: Notice[] = content
          ? (await findUsersByIds(trx, [closing.adminId])).map((user) => ({
              user,
              eventKey: `${closing.eventKey}:${user.id}`,
              content,
            }))
          : [];
        return record(
          trx,
          {
            ...closing,
            type: OFFER_CLOSING_EVENTS[outcome],
            reason: closing.reason ?? `Offer ${closing.number} to ${closing.adminId} ${outcome}.`,
          },
          notices,
          { email: false },
        );
      });
    },

    /** Hands the delivery back to the unassigned queue, flagged; every super admin hears of it. */
    returnToQueue(request: QueueReturnRecord): Promise<DeliveryFanOut> {
      return db.transaction(async (trx) => {
        await markReturnedToQueue(trx, request.delivery.id, request.at);
        const bosses = await findActiveSuperAdmins(trx);
        const content = returnedContent(request.delivery, request.reason);
        const notices = bosses.map((user) => ({
          user,
          eventKey: `${request.eventKey}:${user.id}`,
          content,
        }));
        return record(trx, { ...request, type: 'returned_to_queue', actorId: null }, notices, {
          email: true,
        });
      });
    },
  };
}

/** The record's keys are only read by writers that insert a row; these never do. */
const keysOf = () => ({ idempotencyKey: '', payloadHash: '' });

/** What the delivery workflow's dispatch proxies (types only) as local activities. */
export type DispatchActivities = ReturnType<typeof createDispatchActivities>;
