import { expect } from 'chai';
import { windowPhrase } from '../../src/notifications/window-phrase';

describe('a drop-off window in the recipient’s words', () => {
  const CASES: [string, string, string, string, string][] = [
    [
      'within one day, in UTC',
      '2026-12-08T14:00:00Z',
      '2026-12-08T16:00:00Z',
      'UTC',
      'on Tue, 8 Dec 2026 between 14:00 and 16:00 (UTC)',
    ],
    [
      'within one day, in the business zone (CET in December)',
      '2026-12-08T13:00:00Z',
      '2026-12-08T15:30:00Z',
      'Europe/Berlin',
      'on Tue, 8 Dec 2026 between 14:00 and 16:30 (Europe/Berlin)',
    ],
    [
      'on a day that is another in UTC',
      '2026-07-01T22:30:00Z',
      '2026-07-01T23:30:00Z',
      'Europe/Berlin',
      'on Thu, 2 Jul 2026 between 00:30 and 01:30 (Europe/Berlin)',
    ],
    [
      'across midnight',
      '2026-12-08T22:00:00Z',
      '2026-12-09T02:00:00Z',
      'UTC',
      'between Tue, 8 Dec 2026, 22:00 and Wed, 9 Dec 2026, 02:00 (UTC)',
    ],
  ];
  for (const [when, start, end, zone, phrase] of CASES) {
    it(`when the window is ${when}, then it reads "${phrase}"`, () => {
      expect(windowPhrase({ start, end }, zone)).to.equal(phrase);
    });
  }
});
