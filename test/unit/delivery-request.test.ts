import { expect } from 'chai';
import { settleDeliveryRequest } from '../../src/deliveries/delivery-request';
import { DomainError } from '../../src/domain/errors';
import type { CreateDeliveryRequest } from '../../src/schemas/deliveries';

const NOW = Date.parse('2030-06-01T10:00:00Z');
const base: CreateDeliveryRequest = { product_name: 'Lamp', delivery_address: '1 Main St' };
const at = (hours: number) => new Date(NOW + hours * 3_600_000).toISOString();

/** The field errors a refusal names, or null when the request is accepted. */
function refusal(request: CreateDeliveryRequest, zone = 'UTC') {
  try {
    settleDeliveryRequest(request, NOW, zone);
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, errors: error.context['errors'] };
  }
}

describe('a delivery request: window and date', () => {
  it('when a window is given without a date, then the date is the day the window ends in the business zone', () => {
    const window = { start: '2030-06-02T20:00:00Z', end: '2030-06-02T22:00:00Z' };
    expect(
      settleDeliveryRequest({ ...base, dropoff_window: window }, NOW, 'UTC').delivery_date,
    ).to.equal('2030-06-02');
    // 22:00 UTC is already the next day in Kolkata (UTC+5:30).
    expect(
      settleDeliveryRequest({ ...base, dropoff_window: window }, NOW, 'Asia/Kolkata').delivery_date,
    ).to.equal('2030-06-03');
  });

  const refusals: [string, CreateDeliveryRequest, string, { field: string; message: string }][] = [
    [
      'no date and no window',
      base,
      'validation',
      { field: 'delivery_date', message: 'is required unless dropoff_window is given' },
    ],
    [
      'a date in the past',
      { ...base, delivery_date: '2030-05-31' },
      'validation',
      { field: 'delivery_date', message: 'must be today (2030-06-01, UTC) or later' },
    ],
    [
      'a window that started',
      { ...base, dropoff_window: { start: at(-1), end: at(2) } },
      'validation',
      { field: 'dropoff_window.start', message: 'must be in the future' },
    ],
    [
      'a window that ends before it starts',
      { ...base, dropoff_window: { start: at(3), end: at(2) } },
      'validation',
      { field: 'dropoff_window.end', message: 'must be after the start' },
    ],
    [
      'a window of an empty instant',
      { ...base, dropoff_window: { start: at(3), end: at(3) } },
      'validation',
      { field: 'dropoff_window.end', message: 'must be after the start' },
    ],
    [
      'a window longer than 7 days',
      { ...base, dropoff_window: { start: at(1), end: at(1 + 7 * 24 + 1) } },
      'validation',
      { field: 'dropoff_window.end', message: 'must be at most 7 days after the start' },
    ],
    [
      'a date the window contradicts',
      { ...base, delivery_date: '2030-06-05', dropoff_window: { start: at(1), end: at(3) } },
      'unprocessable',
      {
        field: 'delivery_date',
        message: 'must be 2030-06-01, the date the drop-off window ends (UTC), or left out',
      },
    ],
  ];
  for (const [what, request, code, error] of refusals) {
    it(`when the request has ${what}, then it is refused (${code}) naming ${error.field}`, () => {
      expect(refusal(request)).to.deep.equal({ code, errors: [error] });
    });
  }

  it('when the window is exactly 7 days and the date agrees, then it is accepted as sent', () => {
    const window = { start: at(1), end: at(1 + 7 * 24) };
    const settled = settleDeliveryRequest(
      { ...base, delivery_date: '2030-06-08', dropoff_window: window },
      NOW,
      'UTC',
    );
    expect(settled).to.deep.equal({ ...base, delivery_date: '2030-06-08', dropoff_window: window });
    expect(refusal({ ...base, delivery_date: '2030-06-01' })).to.equal(null);
  });
});
