import { expect } from 'chai';
import {
  openLoop,
  stepOf,
  thenChanges,
  type CallAnswer,
  type OpenLoopResult,
  type Timed,
} from '../../bench/capacity';

const answer = (status: number, retryAfterSeconds: number | null = null): CallAnswer => ({
  status,
  retryAfterSeconds,
});

/** A step's result: each call's status and time, and whether each lifecycle finished. */
function result(calls: [number, number][], finished: boolean[]): OpenLoopResult {
  return {
    calls: calls.map(([status, ms]) => ({ lane: 'change' as const, status, ms })),
    outcomes: finished.map((f, i) => ({ workflowId: `run-${i}`, finished: f })),
    cpuMsPerLifecycle: { api: 1 },
  };
}

/** A `Timed` that records the lanes and answers of the calls made through it. */
function recording() {
  const seen: string[] = [];
  const timed: Timed = async (lane, send) => {
    const a = await send();
    seen.push(`${lane} ${a.status}`);
    return a;
  };
  return { seen, timed };
}

describe('the capacity phase of the benchmark (bench/capacity.ts)', () => {
  const fast = Array.from({ length: 100 }, (): [number, number] => [200, 50]);

  it('when every call answered 2xx within 500 ms at p99 and every lifecycle finished, then the rate held', () => {
    const step = stepOf(4, result(fast, [true, true]));
    expect(step).to.include({ rate: 4, lifecycles: 2, finished: 2, held: true });
    expect(step.statuses).to.deep.equal({ '200': 100 });
  });

  const failures: [string, [number, number][], boolean[]][] = [
    ['one call was refused', [...fast.slice(1), [503, 5]], [true, true]],
    ['the p99 was over 500 ms', [...fast.slice(2), [200, 900], [200, 900]], [true, true]],
    ['one lifecycle did not finish', fast, [true, false]],
  ];
  for (const [what, calls, finished] of failures) {
    it(`when ${what}, then the rate did not hold`, () => {
      expect(stepOf(4, result(calls, finished)).held).to.equal(false);
    });
  }

  it('when a change is refused and the client retries, then it is sent again until accepted; without retries the lifecycle stops', async () => {
    const answers = [answer(503, 0), answer(429, 0), answer(200)];
    const retried = recording();
    const sent = await thenChanges(retried.timed, [async () => answers.shift()!], true);
    expect(sent).to.equal(true);
    expect(retried.seen).to.deep.equal(['change 503', 'change 429', 'change 200']);

    const once = recording();
    const stopped = await thenChanges(
      once.timed,
      [async () => answer(503, 0), async () => answer(200)],
      false,
    );
    expect(stopped).to.equal(false);
    expect(once.seen).to.deep.equal(['change 503']);
  });

  it('when a rate is offered, then rate × seconds lifecycles start and every call is kept, failures as status 0', async () => {
    const run = await openLoop(
      40,
      0.1,
      async (i, timed) => {
        await timed('create', async () => {
          if (i === 1) throw new Error('connection reset');
          return answer(201);
        });
        return { workflowId: `run-${i}`, finished: i !== 1 };
      },
      { api: null, worker: null },
    );
    expect(run.outcomes).to.have.length(4);
    expect(run.calls.map((c) => c.status).sort()).to.deep.equal([0, 201, 201, 201]);
    expect(Object.keys(run.cpuMsPerLifecycle)).to.include.members(['api', 'worker', 'temporal']);
  });
});
