import { expect } from 'chai';
import { spanText } from '../../src/console/span-text';

describe('spanText (the overview medians)', () => {
  const cases: [seconds: number | null, text: string][] = [
    [null, '—'],
    [0, '0 s'],
    [42.4, '42 s'],
    [59.6, '1 min'],
    [14 * 60 + 20, '14 min'],
    [3600, '1 h'],
    [2.5 * 3600, '2 h 30 min'],
    [20 * 3600, '20 h'],
    [44 * 3600, '1 d 20 h'],
    [48 * 3600, '2 d'],
  ];
  for (const [seconds, text] of cases) {
    it(`when the median is ${seconds} s, then it reads "${text}"`, () => {
      expect(spanText(seconds)).to.equal(text);
    });
  }
});
