import type { Logger } from '../../logger';
import type { PublicTracking } from '../../schemas/tracking';
import { publicView, type TrackedDelivery } from '../../tracking/public-view';
import type { ChannelHandler } from '../pg-listener';

/** A view and its Server-Sent Event, serialised once for every page that shows it. */
export interface TrackingUpdate {
  view: PublicTracking;
  frame: string;
}

export interface TrackingSubscriber {
  /** The link the page was opened with. */
  readonly token: string;
  onUpdate(update: TrackingUpdate): void;
  /** The link was replaced, or the delivery is gone: the page must stop. */
  onRevoked(): void;
}

export const viewFrame = (view: PublicTracking): string =>
  `event: view\ndata: ${JSON.stringify(view)}\n\n`;

export function trackingUpdate(delivery: TrackedDelivery, now: number): TrackingUpdate {
  const view = publicView(delivery, now);
  return { view, frame: viewFrame(view) };
}

/** How many deliveries' latest announcements are remembered (for pages being opened). */
const REMEMBERED_ANNOUNCEMENTS = 10_000;

interface Watch {
  /** Each page with the read generation at which it subscribed. */
  subscribers: Map<TrackingSubscriber, number>;
  reading: Promise<void> | null;
  again: boolean;
}

/**
 * The delivery-changes channel's handler on the process's LISTEN connection (`PgListener`): an
 * announcement carries a delivery id; if pages of that delivery are open here, the delivery is
 * read once and the one serialised view written to all of them. Reads of one delivery never
 * overlap: announcements that arrive during a read ask for one more read after it. So the reads
 * follow the changes, not the pages (a change costs one read whether 1 or 1,000 pages are open),
 * and the last change is always read after it committed.
 */
export class TrackingHub implements ChannelHandler {
  private readonly watches = new Map<string, Watch>();
  private generation = 0;
  /** Announcements heard; a page being opened takes its position (`mark`) before its read. */
  private heard = 0;
  /** Delivery id → position of its latest announcement, for the latest few thousand ids. */
  private readonly lastHeard = new Map<string, number>();
  /** Up to this position the hub cannot tell (forgotten, or lost in an outage). */
  private uncertainUpTo = 0;
  /** Reads made for open pages since the process started (the bench reports them per change). */
  reads = 0;

  constructor(
    private readonly load: (deliveryId: string) => Promise<TrackedDelivery | undefined>,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  subscribe(deliveryId: string, subscriber: TrackingSubscriber): () => void {
    let watch = this.watches.get(deliveryId);
    if (!watch) {
      watch = { subscribers: new Map(), reading: null, again: false };
      this.watches.set(deliveryId, watch);
    }
    // Reads already under way may predate what this page was served: they are not for it.
    watch.subscribers.set(subscriber, this.generation);
    const own = watch;
    return () => {
      own.subscribers.delete(subscriber);
      if (own.subscribers.size === 0 && this.watches.get(deliveryId) === own) {
        this.watches.delete(deliveryId);
      }
    };
  }

  /** Open pages of the delivery in this process. */
  subscriberCount(deliveryId: string): number {
    return this.watches.get(deliveryId)?.subscribers.size ?? 0;
  }

  onMessage(payload: string | undefined): void {
    if (!payload) return;
    this.heard += 1;
    this.lastHeard.delete(payload);
    this.lastHeard.set(payload, this.heard);
    if (this.lastHeard.size > REMEMBERED_ANNOUNCEMENTS) {
      const [oldest, position] = this.lastHeard.entries().next().value as [string, number];
      this.lastHeard.delete(oldest);
      this.uncertainUpTo = position;
    }
    void this.refresh(payload);
  }

  /** Announcements made while the connection was down are lost: every open delivery is read. */
  onReconnect(): void {
    this.heard += 1;
    this.uncertainUpTo = this.heard;
    for (const deliveryId of this.watches.keys()) void this.refresh(deliveryId);
  }

  /** The position to take before reading a delivery for a page that will then subscribe. */
  mark(): number {
    return this.heard;
  }

  /**
   * For a page that read its delivery at `mark` and has subscribed since: reads again only if
   * the delivery was announced in between (or the hub cannot tell), since that announcement
   * reached nobody. A crowd opening pages at once thus costs one read each, not two.
   */
  catchUp(deliveryId: string, mark: number): Promise<void> {
    const missed = this.uncertainUpTo > mark || (this.lastHeard.get(deliveryId) ?? 0) > mark;
    return missed ? this.refresh(deliveryId) : Promise.resolve();
  }

  /** Reads the delivery (once, however many ask) and updates its open pages. */
  refresh(deliveryId: string): Promise<void> {
    const watch = this.watches.get(deliveryId);
    if (!watch) return Promise.resolve();
    if (watch.reading) {
      watch.again = true;
      return watch.reading;
    }
    watch.reading = this.readUntilSettled(deliveryId, watch);
    return watch.reading;
  }

  private async readUntilSettled(deliveryId: string, watch: Watch): Promise<void> {
    try {
      do {
        watch.again = false;
        const generation = ++this.generation;
        this.reads += 1;
        const delivery = await this.load(deliveryId);
        this.deliver(watch, delivery, generation);
      } while (watch.again && watch.subscribers.size > 0);
    } catch (error) {
      // The next announcement (or the reconnect after an outage) reads again.
      this.logger.warn({ err: error, deliveryId }, 'could not read a tracked delivery');
    } finally {
      // Synchronously after the last check of `again`: no announcement can fall in between.
      watch.reading = null;
    }
  }

  private deliver(watch: Watch, delivery: TrackedDelivery | undefined, generation: number): void {
    const pages = [...watch.subscribers].filter(([, since]) => since < generation);
    if (!delivery) {
      for (const [page] of pages) page.onRevoked();
      return;
    }
    const update = trackingUpdate(delivery, this.clock());
    for (const [page] of pages) {
      if (page.token === delivery.tracking_token) page.onUpdate(update);
      else page.onRevoked();
    }
  }
}
