import {
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyLocalActivities,
  setCurrentDetails,
} from '@temporalio/workflow';
import type { DispatchActivities } from '../activities/dispatch';
import type { DispatchEventType } from '../domain/delivery-events';
import type { Actor, DeliveryCommand } from '../domain/delivery-rules';
import {
  OFFER_CLOSING_EVENTS,
  offerClosedMessage,
  queueReturnReason,
  type DispatchSettings,
  type OfferOutcome,
  type OfferStatus,
  type QueueReturn,
} from '../domain/dispatch';
import type { ChangeQueue } from './change-queue';
import type { DeliveryFanOut } from './delivery-event';
import type { ChangeAnswer, DeliveryWorkflowInput, OfferAnswerArgs } from './delivery-messages';
import { currentDetails, recordSummary } from './delivery-presentation';
import type { DeliveryState } from './delivery-state';
import { OutboundSender } from './outbound-sender';
import type { PlannedEvent } from './timeline';

/** Runs started before auto-dispatch, and every manual-mode run, replay without its commands. */
const DISPATCH_PATCH = 'auto-dispatch';

// Our own database, like the timeline's record: local activities, retried quickly.
const store = proxyLocalActivities<DispatchActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '1 second',
  },
});

/** One offer as the workflow knows it; `status` changes the moment a message or timer decides. */
interface Offer {
  number: number;
  adminId: string;
  expiresAt: string;
  status: OfferStatus;
  closedAt: string | null;
}

/** The slice of the timeline the accept path uses: the same record as the assign update. */
type RecordEvent = (event: PlannedEvent) => Promise<void>;

const workflowTime = () => new Date().getTime();
const workflowNow = () => new Date().toISOString();
const summaryOf = (type: DispatchEventType) =>
  recordSummary({ type, fromStatus: 'CREATED', toStatus: 'CREATED', actorRole: 'auto-dispatch' });

/**
 * Auto-dispatch (issue 20): offers a new delivery to one admin at a time, waits for their accept
 * or decline or the offer's timer, and moves on; with nobody left, or after the last offer, hands
 * it back to the unassigned queue. Every step is a durable timer or a recorded event, so a
 * worker or server restart resumes where it was. Answers run in the delivery's change queue; an
 * offer's status is decided synchronously by whichever of accept, decline, withdrawal or timer
 * comes first, so an accept racing the timeout has exactly one outcome.
 */
export class Dispatch {
  private readonly offers: Offer[] = [];
  private readonly outbound = new OutboundSender();

  constructor(
    private readonly state: DeliveryState,
    private readonly changes: ChangeQueue,
    private readonly recordEvent: RecordEvent,
  ) {}

  /** Starts the offer loop beside the lifecycle when the delivery was created in auto mode. */
  start(input: DeliveryWorkflowInput): void {
    const plan = input.dispatch;
    if (!plan || plan.mode !== 'auto' || input.resumeFrom || !patched(DISPATCH_PATCH)) return;
    this.offerInTurns(plan).catch((error: unknown) => {
      log.error('Auto-dispatch stopped', { error: String(error) });
    });
  }

  /** Resolves once every offer email sent so far has been delivered or given up. */
  settled(): Promise<void> {
    return this.outbound.settled();
  }

  private get pending(): Offer | undefined {
    return this.offers.find((offer) => offer.status === 'pending');
  }

  /**
   * For the answers' validators: the caller's offer (one per admin and delivery), still open, on a
   * delivery no change already accepted will take away.
   */
  openOfferOf(actor: Actor): Offer {
    const offer = this.offers.find((o) => o.adminId === actor.id);
    const open = offer?.status === 'pending' && this.changes.projected().status === 'CREATED';
    if (offer && open) return offer;
    // A queued manual assignment or cancel withdraws the offer once its turn comes.
    const status = offer?.status === 'pending' ? 'withdrawn' : (offer?.status ?? null);
    throw ApplicationFailure.create({
      type: 'offer-not-pending',
      message: offerClosedMessage(status, offer?.closedAt ?? null),
      nonRetryable: true,
      details: [{ offer_status: status, current_status: this.state.status }],
    });
  }

  /** accept: the offer → `assigned` to its admin, the same record as a super admin's assign. */
  accept(args: OfferAnswerArgs, eventKey: string): Promise<ChangeAnswer> {
    const offer = this.openOfferOf(args.actor);
    this.decide(offer, 'accepted');
    const command: DeliveryCommand = { kind: 'assign', adminId: offer.adminId };
    return this.changes.inTurn(command, async () => {
      await this.recordEvent({
        eventKey,
        type: 'assigned',
        actor: args.actor,
        actorApiKeyId: null,
        reason: args.reason ?? `Accepted offer ${offer.number}.`,
        toStatus: 'ASSIGNED',
        assignedTo: offer.adminId,
      });
      await this.close(offer, `${eventKey}:offer`, null, args.actor.id);
      return this.answer(args);
    });
  }

  /** decline: `offer_declined` with the admin's reason; the loop offers the next candidate. */
  decline(args: OfferAnswerArgs, eventKey: string): Promise<ChangeAnswer> {
    const offer = this.openOfferOf(args.actor);
    this.decide(offer, 'declined');
    return this.changes.exclusive(async () => {
      await this.close(offer, eventKey, args.reason ?? null, args.actor.id);
      return this.answer(args);
    });
  }

  /**
   * Called as a change is accepted: a manual assignment or a cancel takes the pending offer from
   * its admin at once (an accept arriving later is refused); `recordWithdrawal` records it in the
   * change's turn.
   */
  claimFor(command: DeliveryCommand): Offer | null {
    if (command.kind === 'transition') return null;
    const offer = this.pending;
    if (!offer) return null;
    this.decide(offer, 'withdrawn');
    return offer;
  }

  async recordWithdrawal(offer: Offer | null, eventKey: string, why: string): Promise<void> {
    if (offer) await this.close(offer, eventKey, why, null);
  }

  private decide(offer: Offer, outcome: OfferOutcome): void {
    offer.status = outcome;
    offer.closedAt = workflowNow();
  }

  private answer(args: OfferAnswerArgs): ChangeAnswer {
    return {
      delivery: this.state.view(),
      requestId: args.requestId,
      requestHash: args.requestHash,
    };
  }

  private async offerInTurns(plan: DispatchSettings): Promise<void> {
    const timeoutMs = plan.offerTimeoutSeconds * 1000;
    for (let number = 1; number <= plan.maxOffers; number += 1) {
      const offer = await this.changes.exclusive(() => this.offerNext(number, plan, timeoutMs));
      if (offer === 'moot') return;
      if (offer === null) {
        await this.returnToQueue('no_candidate', number - 1);
        return;
      }
      const remaining = Math.max(1, Date.parse(offer.expiresAt) - workflowTime());
      await condition(() => offer.status !== 'pending', remaining);
      if (offer.status === 'pending') {
        this.decide(offer, 'expired');
        await this.changes.exclusive(() =>
          this.close(offer, `${this.state.input.deliveryId}:offer-${number}:expired`, null, null),
        );
      }
      if (offer.status === 'accepted' || offer.status === 'withdrawn') return;
    }
    await this.returnToQueue('offers_exhausted', plan.maxOffers);
  }

  /** The next offer, in the change queue; 'moot' once someone assigned or cancelled it. */
  private async offerNext(
    number: number,
    plan: DispatchSettings,
    timeoutMs: number,
  ): Promise<Offer | null | 'moot'> {
    if (!this.state.awaitingAssignment) return 'moot';
    const at = workflowNow();
    const expiresAt = new Date(Date.parse(at) + timeoutMs).toISOString();
    const eventKey = `${this.state.input.deliveryId}:offer-${number}`;
    const made = await store.offerDelivery.executeWithOptions({ summary: summaryOf('offered') }, [
      { eventKey, at, number, expiresAt, delivery: this.state.view() },
    ]);
    this.send(made);
    if (made.adminId === null) return null;
    const offer: Offer = {
      number,
      adminId: made.adminId,
      expiresAt,
      status: 'pending',
      closedAt: null,
    };
    this.offers.push(offer);
    this.showDetails('offered', at, {
      adminId: offer.adminId,
      expiresAt,
      number,
      of: plan.maxOffers,
    });
    return offer;
  }

  private async close(
    offer: Offer,
    eventKey: string,
    reason: string | null,
    actorId: string | null,
  ): Promise<void> {
    const outcome = offer.status as OfferOutcome;
    const type = outcome === 'accepted' ? null : OFFER_CLOSING_EVENTS[outcome];
    const at = workflowNow();
    const fanOut = await store.closeOffer.executeWithOptions(
      { summary: type ? summaryOf(type) : `Close offer ${offer.number}: accepted` },
      [
        {
          eventKey,
          at,
          delivery: this.state.view(),
          number: offer.number,
          adminId: offer.adminId,
          outcome,
          reason,
          actorId,
        },
      ],
    );
    this.send(fanOut);
    if (type) this.showDetails(type, at, null);
  }

  /** Nobody left to offer it to: back to the unassigned queue, flagged; super admins told. */
  private returnToQueue(why: QueueReturn, offers: number): Promise<void> {
    return this.changes.exclusive(async () => {
      if (!this.state.awaitingAssignment) return;
      const at = workflowNow();
      const reason = queueReturnReason(why, offers);
      const fanOut = await store.returnToQueue.executeWithOptions(
        { summary: summaryOf('returned_to_queue') },
        [
          {
            eventKey: `${this.state.input.deliveryId}:returned-to-queue`,
            at,
            reason,
            delivery: this.state.view(),
          },
        ],
      );
      this.send(fanOut);
      this.showDetails('returned_to_queue', at, null, reason);
    });
  }

  private send(fanOut: DeliveryFanOut): void {
    this.outbound.send(fanOut.outbound);
  }

  private showDetails(
    lastEvent: DispatchEventType,
    at: string,
    offer: { adminId: string; expiresAt: string; number: number; of: number } | null,
    lastReason: string | null = null,
  ): void {
    const { status, assignedTo } = this.state;
    setCurrentDetails(
      currentDetails({ status, assignedTo, lastEvent, lastActor: null, lastReason, at, offer }),
    );
  }
}
