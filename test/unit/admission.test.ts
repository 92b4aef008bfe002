import { expect } from 'chai';
import { DomainError } from '../../src/domain/errors';
import { Admission, LaneLimit } from '../../src/temporal/admission';

const settings = { targetMs: 100, minInFlight: 2, maxInFlight: 10, createBacklogLimit: 0 };

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

describe('admission of Temporal calls', () => {
  it('when slow calls come back, then the lane limit shrinks by a tenth at most every 250 ms, never below its minimum', () => {
    const lane = new LaneLimit(settings);
    let now = 0;
    for (let i = 0; i < 40; i += 1) {
      expect(lane.tryAcquire()).to.equal(true);
      lane.release(500, (now += 10));
    }
    // 400 ms of slow answers: two decreases, not forty.
    expect(lane.limit).to.be.closeTo(10 * 0.9 * 0.9, 1e-9);
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
    expect(lane.limit).to.equal(9);
    for (let i = 0; i < 500; i += 1) {
      lane.tryAcquire();
      lane.release(5, 1000 + i);
    }
    expect(lane.limit).to.equal(10);
  });

  it('when a lane is full, then the next call is refused at once as unavailable with Retry-After, and the other lane still runs', async () => {
    const admission = new Admission({ ...settings, maxInFlight: 2 }, null);
    const calls = [held(), held()];
    const running = calls.map((c) => admission.admit('create', c.call));
    const refused = await refusal(admission.admit('create', async () => 'never'));
    expect(refused?.code).to.equal('unavailable');
    expect(refused?.context['retryAfterSeconds']).to.equal(1);
    expect(await admission.admit('change', async () => 'changed')).to.equal('changed');
    calls.forEach((c) => c.settle());
    await Promise.all(running);
    expect(await admission.admit('create', async () => 'created')).to.equal('created');
  });

  it('when the workflow backlog is above its limit, then creates are refused and changes are not', async () => {
    const admission = new Admission({ ...settings, createBacklogLimit: 5 }, async () => 10);
    // The first create starts the probe and reads no value yet: admitted.
    expect(await admission.admit('create', async () => 'first')).to.equal('first');
    await new Promise((resolve) => setImmediate(resolve));
    const refused = await refusal(admission.admit('create', async () => 'never'));
    expect(refused?.message).to.include('10 new deliveries wait for a worker');
    expect(await admission.admit('change', async () => 'changed')).to.equal('changed');
  });

  it('when the maximum is 0, then nothing is ever refused', async () => {
    const admission = new Admission({ ...settings, maxInFlight: 0 }, null);
    const calls = Array.from({ length: 50 }, () => held());
    const running = calls.map((c) => admission.admit('change', c.call));
    calls.forEach((c) => c.settle());
    await Promise.all(running);
    expect(admission.lanes.change.inFlight).to.equal(0);
  });
});
