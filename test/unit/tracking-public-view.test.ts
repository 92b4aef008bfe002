import { expect } from 'chai';
import type { DeliveryStatus } from '../../src/domain/delivery-status';
import { expectedText, stepTimeText } from '../../src/tracking/display';
import {
  publicView,
  type TrackedDelivery,
  type TrackedEvent,
} from '../../src/tracking/public-view';

const NOW = Date.parse('2030-01-01T15:00:00.000Z');
const at = (hhmm: string) => `2030-01-01T${hhmm}:00.000Z`;
const event = (
  type: TrackedEvent['type'],
  toStatus: DeliveryStatus,
  time: string,
  failure: TrackedEvent['failure_reason'] = null,
): TrackedEvent => ({ type, to_status: toStatus, failure_reason: failure, at: at(time) });

const CREATED = event('created', 'CREATED', '08:00');
const ASSIGNED = event('assigned', 'ASSIGNED', '09:00');
const REASSIGNED = event('assigned', 'ASSIGNED', '10:00');
const IN_TRANSIT = event('status_changed', 'IN_TRANSIT', '11:00');

function delivery(
  status: DeliveryStatus,
  events: TrackedEvent[],
  more: Partial<TrackedDelivery> = {},
) {
  return {
    id: '00000000-0000-4000-8000-000000000000',
    tracking_token: 'a'.repeat(32),
    status,
    product_name: 'Lamp',
    delivery_date: '2030-01-01',
    dropoff_window: null,
    failure_reason: null,
    courier_first_name: null,
    events,
    ...more,
  } satisfies TrackedDelivery;
}

const steps = (d: TrackedDelivery) =>
  publicView(d, NOW).timeline.map((s) => `${s.step}@${s.at.slice(11, 16)}`);

describe('the public tracking view (src/tracking/public-view.ts)', () => {
  it('when a delivery was reassigned, then "Courier assigned" appears once, at the reassignment', () => {
    const d = delivery('IN_TRANSIT', [CREATED, ASSIGNED, REASSIGNED, IN_TRANSIT], {
      courier_first_name: 'Bea',
    });
    expect(steps(d)).to.deep.equal(['created@08:00', 'assigned@10:00', 'in_transit@11:00']);
    expect(publicView(d, NOW)).to.include({ status_text: 'On its way', courier_first_name: 'Bea' });
  });

  const outcomes: [DeliveryStatus, TrackedEvent, string, string | null][] = [
    ['COMPLETED', event('status_changed', 'COMPLETED', '12:00'), 'Delivered', null],
    [
      'FAILED',
      event('status_changed', 'FAILED', '12:00', 'refused'),
      'Could not be delivered',
      'The parcel was refused at the door.',
    ],
    ['CANCELLED', event('cancelled', 'CANCELLED', '12:00'), 'Cancelled', null],
  ];
  for (const [status, last, text, detail] of outcomes) {
    it(`when the delivery is ${status}, then the last step reads "${text}"${detail ? ' with the public reason' : ''}`, () => {
      const before = status === 'CANCELLED' ? [CREATED] : [CREATED, ASSIGNED, IN_TRANSIT];
      const view = publicView(delivery(status, [...before, last]), NOW);
      expect(view.status_text).to.equal(text);
      expect(view.timeline.at(-1)).to.deep.equal({
        step: view.timeline.at(-1)!.step,
        text,
        detail,
        at: at('12:00'),
      });
    });
  }

  it('when operator and deadline events are recorded, then they are not steps', () => {
    const d = delivery('ASSIGNED', [
      CREATED,
      event('assignment_overdue', 'CREATED', '08:30'),
      ASSIGNED,
      event('cancel_refused', 'ASSIGNED', '09:10'),
      event('resumed', 'ASSIGNED', '09:20'),
    ]);
    expect(steps(d)).to.deep.equal(['created@08:00', 'assigned@09:00']);
  });

  it('when a reset corrected the row back to ASSIGNED, then "On its way" is not shown', () => {
    const d = delivery('ASSIGNED', [
      CREATED,
      ASSIGNED,
      IN_TRANSIT,
      event('reconciled', 'ASSIGNED', '11:30'),
    ]);
    expect(steps(d)).to.deep.equal(['created@08:00', 'assigned@09:00']);
  });

  const window = (start: string, end: string) => ({ start: at(start), end: at(end) });
  const lateness: [string, TrackedDelivery, boolean][] = [
    [
      'the window has not ended',
      delivery('IN_TRANSIT', [], { dropoff_window: window('14:00', '16:00') }),
      false,
    ],
    [
      'the window ended and it is under way',
      delivery('IN_TRANSIT', [], { dropoff_window: window('12:00', '14:00') }),
      true,
    ],
    [
      'the window ended and it is still unassigned',
      delivery('CREATED', [], { dropoff_window: window('12:00', '14:00') }),
      true,
    ],
    [
      'delivery_late was recorded',
      delivery('ASSIGNED', [event('delivery_late', 'ASSIGNED', '14:00')]),
      true,
    ],
    [
      'delivery_overdue was recorded (no window)',
      delivery('ASSIGNED', [event('delivery_overdue', 'ASSIGNED', '00:00')]),
      true,
    ],
    [
      'it was delivered after the window',
      delivery('COMPLETED', [event('delivery_late', 'IN_TRANSIT', '14:00')], {
        dropoff_window: window('12:00', '14:00'),
      }),
      false,
    ],
    [
      'it was cancelled after its date',
      delivery('CANCELLED', [event('delivery_overdue', 'ASSIGNED', '00:00')]),
      false,
    ],
    ['it has no window and nothing was recorded', delivery('IN_TRANSIT', []), false],
  ];
  for (const [when, d, late] of lateness) {
    it(`when ${when}, then late is ${late}`, () => {
      expect(publicView(d, NOW).late).to.equal(late);
    });
  }

  it('when the courier has no first name, then none is shown', () => {
    expect(
      publicView(delivery('ASSIGNED', [], { courier_first_name: '  ' }), NOW).courier_first_name,
    ).to.equal(null);
  });

  it('when times are written, then they are in the business time zone', () => {
    const view = publicView(
      delivery('ASSIGNED', [], { dropoff_window: window('13:00', '15:30') }),
      NOW,
    );
    expect(expectedText(view, 'Europe/Berlin')).to.equal(
      'on Tue, 1 Jan 2030 between 14:00 and 16:30 (Europe/Berlin)',
    );
    expect(expectedText(view, 'UTC')).to.equal('on Tue, 1 Jan 2030 between 13:00 and 15:30 (UTC)');
    // A date alone is a calendar day, the same in every zone.
    expect(expectedText(publicView(delivery('ASSIGNED', []), NOW), 'Pacific/Auckland')).to.equal(
      'on Tue, 1 Jan 2030',
    );
    expect(stepTimeText(at('23:30'), 'Europe/Berlin')).to.equal('Wed 2 Jan, 00:30');
  });
});
