import { expect } from 'chai';
import { DomainError } from '../../src/domain/errors';
import { Admission, LaneLimit } from '../../src/temporal/admission';

const settings = {
  targetMs: 100,
  minInFlight: 2,
  maxInFlight: 10,
  createBacklogLimit: 0,
  callerShare: 1,
};

/** A call that settles when told to. */
function held() {
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  return { call: () => done, settle };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof DomainError ? error : Promise.reject(error)),
  );

/** A clock the test moves. */
function clock() {
  const state = { now: 0 };
  return { state, now: () => state.now };
}

/** An admission on a clock the test moves, and changes that take as long as told. */
function timedChanges() {
  const time = clock();
  const admission = new Admission(settings, null, time.now);
  const change = (ms: number) =>
    admission.admit('change', 'admin', async () => {
      time.state.now += ms;
    });
  return { admission, change, time };
}

describe('admission of Temporal calls', () => {
  it('when slow calls come back, then the lane limit shrinks by a quarter at most every 250 ms, never below its minimum', () => {
    const lane = new LaneLimit(settings);
    let now = 0;
    for (let i = 0; i < 40; i += 1) {
      expect(lane.tryAcquire()).to.equal(true);
      lane.release(500, (now += 10));
    }
    // 400 ms of slow answers: two decreases, not forty.
    expect(lane.limit).to.be.closeTo(10 * 0.75 * 0.75, 1e-9);
    for (let i = 0; i < 200; i += 1) {
      lane.tryAcquire();
      lane.release(500, (now += 300));
    }
    expect(lane.limit).to.equal(2);
  });

  it('when calls answer within the target, then the limit grows back, never above its maximum', () => {
    const lane = new LaneLimit(settings);
    lane.tryAcquire();
    lane.release(500, 0);
    expect(lane.limit).to.equal(7.5);
    for (let i = 0; i < 500; i += 1) {
      lane.tryAcquire();
      lane.release(5, 1000 + i);
    }
    expect(lane.limit).to.equal(10);
  });

  it('when a lane is full, then the next call is refused at once as unavailable with Retry-After, and the other lane still runs', async () => {
    const admission = new Admission({ ...settings, maxInFlight: 2 }, null);
    const calls = [held(), held()];
    const running = calls.map((c, i) => admission.admit('create', `partner-${i}`, c.call));
    const refused = await refusal(admission.admit('create', 'partner-2', async () => 'never'));
    expect(refused?.code).to.equal('unavailable');
    expect(refused?.context['retryAfterSeconds']).to.equal(1);
    // The same refusal before the request reads anything.
    expect(() => admission.assertRoom('create', 'partner-2'))
      .to.throw(DomainError)
      .with.property('code', 'unavailable');
    expect(() => admission.assertRoom('change', 'admin')).not.to.throw();
    expect(await admission.admit('change', 'admin', async () => 'changed')).to.equal('changed');
    calls.forEach((c) => c.settle());
    await Promise.all(running);
    expect(await admission.admit('create', 'partner-2', async () => 'created')).to.equal('created');
  });

  it('when one caller holds its share of a lane, then its next call is refused as rate-limited while others still get in', async () => {
    const admission = new Admission({ ...settings, callerShare: 0.5 }, null);
    const calls = Array.from({ length: 5 }, () => held());
    const running = calls.map((c) => admission.admit('change', 'busy-admin', c.call));
    const refused = await refusal(admission.admit('change', 'busy-admin', async () => 'never'));
    expect(refused?.code).to.equal('rate-limited');
    expect(refused?.context['retryAfterSeconds']).to.equal(1);
    expect(refused?.message).to.include('5 changes in flight');
    expect(await admission.admit('change', 'other-admin', async () => 'in')).to.equal('in');
    calls.forEach((c) => c.settle());
    await Promise.all(running);
    expect(admission.lanes.change.heldBy('busy-admin')).to.equal(0);
    expect(await admission.admit('change', 'busy-admin', async () => 'again')).to.equal('again');
  });

  it('when changes answer slower than the target on average, then creates are refused and changes are not, until a second without answers', async () => {
    const { admission, change, time } = timedChanges();
    await change(150); // the first answer is the average: over the 100 ms target
    const refused = await refusal(admission.admit('create', 'partner', async () => 'never'));
    expect(refused?.code).to.equal('unavailable');
    expect(refused?.message).to.include('the changes of running deliveries answer slowly');
    expect(await admission.admit('change', 'admin', async () => 'changed')).to.equal('changed');
    time.state.now += 1000;
    expect(await admission.admit('create', 'partner', async () => 'created')).to.equal('created');
  });

  it('when one change among fast ones is slow, then creates are still admitted', async () => {
    const { admission, change } = timedChanges();
    for (let i = 0; i < 10; i++) await change(20);
    await change(300);
    expect(admission.lanes.change.averageMs).to.be.below(100);
    expect(await admission.admit('create', 'partner', async () => 'created')).to.equal('created');
    for (let i = 0; i < 5; i++) await change(300);
    expect(await refusal(admission.admit('create', 'partner', async () => 'never'))).to.not.equal(
      null,
    );
  });

  it('when the workflow backlog is above its limit, then creates are refused and changes are not', async () => {
    const admission = new Admission({ ...settings, createBacklogLimit: 5 }, async () => 10);
    // The first create starts the probe and reads no value yet: admitted.
    expect(await admission.admit('create', 'partner', async () => 'first')).to.equal('first');
    await new Promise((resolve) => setImmediate(resolve));
    const refused = await refusal(admission.admit('create', 'partner', async () => 'never'));
    expect(refused?.message).to.include('10 new deliveries wait for a worker');
    expect(await admission.admit('change', 'admin', async () => 'changed')).to.equal('changed');
  });

  it('when the maximum is 0, then nothing is ever refused, whoever calls, however slowly, whatever the backlog', async () => {
    const time = clock();
    const admission = new Admission(
      { ...settings, maxInFlight: 0, callerShare: 0.1, createBacklogLimit: 1 },
      async () => 1000,
      time.now,
    );
    await admission.admit('change', 'admin', async () => {
      time.state.now += 10_000;
    });
    const calls = Array.from({ length: 50 }, () => held());
    const running = calls.map((c) => admission.admit('change', 'admin', c.call));
    expect(await admission.admit('create', 'partner', async () => 'created')).to.equal('created');
    await new Promise((resolve) => setImmediate(resolve));
    expect(await admission.admit('create', 'partner', async () => 'again')).to.equal('again');
    calls.forEach((c) => c.settle());
    await Promise.all(running);
    expect(admission.lanes.change.inFlight).to.equal(0);
  });
});
