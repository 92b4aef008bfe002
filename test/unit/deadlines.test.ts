import { expect } from 'chai';
import { loadConfig } from '../../src/config';
import { dateIn, deliveryDeadlines, endOfDate } from '../../src/deliveries/deadlines';
import { durationText } from '../../src/domain/duration-text';
import type { DeliveryRequest } from '../../src/workflows/delivery-messages';

const request = (delivery_date: string): DeliveryRequest => ({
  product_name: 'Lamp',
  delivery_address: '1 Main St',
  delivery_date,
});

describe('delivery deadlines', () => {
  const cases: [zone: string, date: string, end: string][] = [
    ['UTC', '2030-01-01', '2030-01-02T00:00:00.000Z'],
    ['Europe/Berlin', '2030-01-15', '2030-01-15T23:00:00.000Z'],
    ['Europe/Berlin', '2030-07-15', '2030-07-15T22:00:00.000Z'],
    // Berlin moves to summer time at 02:00 on 2030-03-31: the 30th still ends at CET midnight.
    ['Europe/Berlin', '2030-03-30', '2030-03-30T23:00:00.000Z'],
    ['Europe/Berlin', '2030-03-31', '2030-03-31T22:00:00.000Z'],
    ['America/Los_Angeles', '2030-11-02', '2030-11-03T07:00:00.000Z'],
    ['America/Los_Angeles', '2030-11-03', '2030-11-04T08:00:00.000Z'],
    ['Asia/Kolkata', '2030-06-01', '2030-06-01T18:30:00.000Z'],
    ['Pacific/Kiritimati', '2030-06-01', '2030-06-01T10:00:00.000Z'],
  ];
  for (const [zone, date, end] of cases) {
    it(`when the business time zone is ${zone}, then ${date} ends at ${end}`, () => {
      expect(endOfDate(date, zone).toISOString()).to.equal(end);
    });
  }

  it('when a delivery is created, then it must be assigned ASSIGNMENT_SLA later and done by the end of its date', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      ASSIGNMENT_SLA: '45m',
      BUSINESS_TIMEZONE: 'Asia/Kolkata',
    });
    expect(
      deliveryDeadlines(config, '2030-06-01T10:00:00.000Z', request('2030-06-02')),
    ).to.deep.equal({
      assignBy: '2030-06-01T10:45:00.000Z',
      dueBy: '2030-06-02T18:30:00.000Z',
      timeZone: 'Asia/Kolkata',
    });
  });

  it('when a delivery has a drop-off window, then it is due at the window end and missing it is delivery_late', () => {
    const config = loadConfig({ NODE_ENV: 'test', BUSINESS_TIMEZONE: 'Asia/Kolkata' });
    const window = { start: '2030-06-02T08:00:00+05:30', end: '2030-06-02T10:00:00+05:30' };
    const deadlines = deliveryDeadlines(config, '2030-06-01T10:00:00.000Z', {
      ...request('2030-06-02'),
      dropoff_window: window,
    });
    expect(deadlines.dueBy).to.equal('2030-06-02T04:30:00.000Z');
    expect(deadlines.dueEvent).to.equal('delivery_late');
  });

  it('when ASSIGNMENT_SLA and BUSINESS_TIMEZONE are unset, then the SLA is 30 minutes in UTC', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.ASSIGNMENT_SLA_MS).to.equal(30 * 60_000);
    expect(config.BUSINESS_TIMEZONE).to.equal('UTC');
  });

  for (const [value, ms] of [
    ['90s', 90_000],
    ['2h', 7_200_000],
    ['1500ms', 1500],
  ] as const) {
    it(`when ASSIGNMENT_SLA is ${value}, then it is ${ms} ms`, () => {
      expect(loadConfig({ NODE_ENV: 'test', ASSIGNMENT_SLA: value }).ASSIGNMENT_SLA_MS).to.equal(
        ms,
      );
    });
  }

  it('when the SLA or the time zone is not understood, then the configuration names it', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', ASSIGNMENT_SLA: '30 minutes' })).to.throw(
      /ASSIGNMENT_SLA/,
    );
    expect(() => loadConfig({ NODE_ENV: 'test', BUSINESS_TIMEZONE: 'Mars/Olympus' })).to.throw(
      /BUSINESS_TIMEZONE/,
    );
  });
});

describe('the assignment SLA as an overdue reason tells it', () => {
  const cases: [sla: string, text: string][] = [
    ['30m', '30 min'],
    ['2h', '2 h'],
    ['90s', '90 s'],
    ['20s', '20 s'],
    ['1500ms', '1500 ms'],
  ];
  for (const [sla, text] of cases) {
    it(`when ASSIGNMENT_SLA is ${sla}, then the reason says ${text} (never a rounded "0 min")`, () => {
      const { ASSIGNMENT_SLA_MS } = loadConfig({ NODE_ENV: 'test', ASSIGNMENT_SLA: sla });
      expect(durationText(ASSIGNMENT_SLA_MS)).to.equal(text);
    });
  }
});

describe('the business date of an instant', () => {
  const cases: [instant: string, zone: string, date: string][] = [
    ['2030-06-01T18:08:00Z', 'UTC', '2030-06-01'],
    ['2030-06-01T18:08:00Z', 'Pacific/Kiritimati', '2030-06-02'],
    ['2030-06-01T03:00:00Z', 'America/Los_Angeles', '2030-05-31'],
    ['2030-06-01T07:00:00Z', 'America/Los_Angeles', '2030-06-01'],
  ];
  for (const [instant, zone, date] of cases) {
    it(`when it is ${instant}, then it is ${date} in ${zone}`, () => {
      expect(dateIn(Date.parse(instant), zone)).to.equal(date);
    });
  }
});
