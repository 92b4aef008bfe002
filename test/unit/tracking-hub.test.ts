import { expect } from 'chai';
import { TrackingHub, type TrackingSubscriber } from '../../src/api/tracking/hub';
import { createLogger } from '../../src/logger';
import type { DeliveryStatus } from '../../src/domain/delivery-status';
import type { TrackedDelivery } from '../../src/tracking/public-view';

const ID = 'd1';
const TOKEN = 'a'.repeat(32);

function stored(status: DeliveryStatus, token = TOKEN): TrackedDelivery {
  return {
    id: ID,
    tracking_token: token,
    status,
    product_name: 'Lamp',
    delivery_date: '2030-01-01',
    dropoff_window: null,
    failure_reason: null,
    courier_first_name: null,
    events: [],
  };
}

/** The database as the hub sees it: what a read returns now, and reads that can be held open. */
class FakeStore {
  current: TrackedDelivery | undefined = stored('CREATED');
  reads = 0;
  private held: (() => void)[] = [];
  hold = false;

  load = async (): Promise<TrackedDelivery | undefined> => {
    this.reads += 1;
    // The read's snapshot is taken when it starts, like PostgreSQL's.
    const snapshot = this.current;
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    return snapshot;
  };

  release(): void {
    this.hold = false;
    this.held.splice(0).forEach((resolve) => resolve());
  }
}

function page(token = TOKEN) {
  const seen: string[] = [];
  let revoked = false;
  const subscriber: TrackingSubscriber = {
    token,
    onUpdate: (update) => seen.push(update.view.status),
    onRevoked: () => {
      revoked = true;
    },
  };
  return { subscriber, seen, revoked: () => revoked };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the tracking hub (src/api/tracking/hub.ts)', () => {
  let store: FakeStore;
  let hub: TrackingHub;
  beforeEach(() => {
    store = new FakeStore();
    hub = new TrackingHub(store.load, createLogger('silent', 'test'));
  });

  it('when announcements arrive during a read, then one more read follows and all 500 pages end on the last view', async () => {
    const pages = Array.from({ length: 500 }, () => page());
    pages.forEach((p) => hub.subscribe(ID, p.subscriber));
    store.hold = true;
    store.current = stored('ASSIGNED');
    hub.onMessage(ID);
    store.current = stored('IN_TRANSIT');
    for (let i = 0; i < 10; i++) hub.onMessage(ID);
    await settle();
    store.release();
    await hub.refresh(ID);
    expect(store.reads).to.be.at.most(3);
    for (const p of pages) expect(p.seen.at(-1)).to.equal('IN_TRANSIT');
    expect(pages[0]!.seen).to.deep.equal(['ASSIGNED', 'IN_TRANSIT']);
  });

  it('when a delivery nobody follows is announced, then it is not read', async () => {
    hub.onMessage('another');
    await settle();
    expect(store.reads).to.equal(0);
  });

  it('when nothing was announced between a page read and its subscription, then catching up reads nothing', async () => {
    const quiet = page();
    const mark = hub.mark();
    hub.onMessage('another delivery');
    hub.subscribe(ID, quiet.subscriber);
    await hub.catchUp(ID, mark);
    expect(store.reads).to.equal(0);
  });

  it('when the delivery was announced between a page read and its subscription, then catching up reads it for that page', async () => {
    const late = page();
    const mark = hub.mark();
    store.current = stored('ASSIGNED');
    hub.onMessage(ID); // heard by nobody: the page has not subscribed yet
    hub.subscribe(ID, late.subscriber);
    await hub.catchUp(ID, mark);
    expect(store.reads).to.equal(1);
    expect(late.seen).to.deep.equal(['ASSIGNED']);
  });

  it('when the listener reconnected, then a page read before it catches up', async () => {
    const p = page();
    const mark = hub.mark();
    hub.onReconnect();
    hub.subscribe(ID, p.subscriber);
    await hub.catchUp(ID, mark);
    expect(store.reads).to.equal(1);
    expect(p.seen).to.deep.equal(['CREATED']);
  });

  it('when a read started before a page subscribed, then its older view is not sent to that page', async () => {
    const first = page();
    hub.subscribe(ID, first.subscriber);
    store.hold = true;
    const reading = hub.refresh(ID); // snapshot: CREATED
    await settle();
    store.current = stored('ASSIGNED');
    const second = page();
    hub.subscribe(ID, second.subscriber); // it was served ASSIGNED by its own read
    store.release();
    await reading;
    expect(first.seen).to.deep.equal(['CREATED']);
    expect(second.seen).to.deep.equal([]);
  });

  it('when the token was replaced or the delivery is gone, then its pages are told they were revoked', async () => {
    const old = page();
    const current = page('b'.repeat(32));
    hub.subscribe(ID, old.subscriber);
    hub.subscribe(ID, current.subscriber);
    store.current = stored('CREATED', 'b'.repeat(32));
    hub.onMessage(ID);
    await hub.refresh(ID);
    expect(old.revoked()).to.equal(true);
    expect(current.revoked()).to.equal(false);
    expect(current.seen.at(-1)).to.equal('CREATED');

    store.current = undefined;
    hub.onMessage(ID);
    await hub.refresh(ID);
    expect(current.revoked()).to.equal(true);
  });
});
