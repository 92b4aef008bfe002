import { expect } from 'chai';
import { utcDate } from '../../src/domain/utc-date';

describe('utcDate', () => {
  const cases: [string, Date | number, string][] = [
    ['a Date at midnight UTC', new Date('2030-03-01T00:00:00Z'), '2030-03-01'],
    ['the last millisecond of a UTC day', Date.parse('2030-02-28T23:59:59.999Z'), '2030-02-28'],
    [
      'an instant written with an offset east of UTC',
      Date.parse('2030-03-01T01:00:00+02:00'),
      '2030-02-28',
    ],
    ['a leap day', Date.parse('2028-02-29T12:00:00Z'), '2028-02-29'],
  ];
  for (const [what, at, expected] of cases) {
    it(`when given ${what}, then it answers ${expected}`, () => {
      expect(utcDate(at)).to.equal(expected);
    });
  }
});
