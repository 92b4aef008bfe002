import { expect } from 'chai';
import { nextRetryAt, type RetrySchedule } from '../../src/notifications/webhook-retry';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const SCHEDULE: RetrySchedule = {
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maximumIntervalMs: 600_000,
  maximumAttempts: 0,
  deadlineMs: NOW + 86_400_000,
};

describe('webhook retry schedule', () => {
  for (const [attempt, afterMs] of [
    [1, 1000],
    [2, 2000],
    [5, 16_000],
    [10, 512_000],
    [11, 600_000],
    [40, 600_000],
  ] as const) {
    it(`when attempt ${attempt} failed, then the next starts ${afterMs} ms later`, () => {
      expect(nextRetryAt(SCHEDULE, attempt, NOW)).to.deep.equal(new Date(NOW + afterMs));
    });
  }

  it('when the attempts are used up, then there is no next one', () => {
    const limited = { ...SCHEDULE, maximumAttempts: 3 };
    expect(nextRetryAt(limited, 2, NOW)).to.deep.equal(new Date(NOW + 2000));
    expect(nextRetryAt(limited, 3, NOW)).to.equal(null);
  });

  it('when the next attempt would start after the schedule-to-close deadline, then there is none', () => {
    const closing = { ...SCHEDULE, deadlineMs: NOW + 1500 };
    expect(nextRetryAt(closing, 1, NOW)).to.deep.equal(new Date(NOW + 1000));
    expect(nextRetryAt(closing, 2, NOW)).to.equal(null);
  });
});
