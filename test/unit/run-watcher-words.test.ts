import { expect } from 'chai';
import { terminatedAttention } from '../../src/deliveries/run-watcher';
import type { Delivery } from '../../src/schemas/deliveries';

const delivery = (status: Delivery['status']) => ({ status }) as Delivery;
const SINCE = '2030-01-01T10:00:00.000Z';

describe('what the run watcher says about a terminated delivery', () => {
  const cases: [Delivery['status'], RegExp][] = [
    ['CREATED', /^A super admin's assignment or cancel, or the partner's cancel, resumes it/],
    ['ASSIGNED', /^Its assignee's next status change, or a super admin's reassignment or cancel,/],
    ['IN_TRANSIT', /^Its assignee's next status change, or a super admin's reassignment, resumes/],
  ];
  for (const [status, fixers] of cases) {
    it(`when the run of a delivery ${status} is terminated, then it names who can resume it`, () => {
      const attention = terminatedAttention(
        delivery(status),
        { identity: 'ops@laptop', reason: 'stuck?' },
        SINCE,
      );
      expect(attention.reason).to.equal(
        `An operator (ops@laptop) terminated its workflow in Temporal ("stuck?") while it was ${status}; nothing runs for it until it changes.`,
      );
      expect(attention.who_can_fix).to.match(fixers);
      expect(attention.since).to.equal(SINCE);
    });
  }

  it('when Temporal kept no reason or identity, then the sentence still reads', () => {
    const attention = terminatedAttention(delivery('ASSIGNED'), null, SINCE);
    expect(attention.reason).to.equal(
      'An operator terminated its workflow in Temporal while it was ASSIGNED; nothing runs for it until it changes.',
    );
  });
});
