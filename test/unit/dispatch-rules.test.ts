import { expect } from 'chai';
import { timeLeft } from '../../src/console/countdown';
import { offerClosedMessage, queueReturnReason, type OfferStatus } from '../../src/domain/dispatch';
import { currentDetails } from '../../src/workflows/delivery-presentation';

describe('auto-dispatch rules in words', () => {
  const closed: [OfferStatus | null, string | null, RegExp][] = [
    [null, null, /^You hold no offer for this delivery\.$/],
    ['expired', '2030-01-01T09:02:00.000Z', /^This offer expired at 2030-01-01T09:02:00\.000Z;/],
    [
      'withdrawn',
      null,
      /^This offer was withdrawn: the delivery was assigned by a super admin or cancelled\.$/,
    ],
    ['declined', null, /^You declined this offer/],
    ['accepted', null, /^You already accepted this offer\.$/],
  ];
  for (const [status, at, words] of closed) {
    it(`when an answer finds the offer ${status ?? 'missing'}, then the refusal says so`, () => {
      expect(offerClosedMessage(status, at)).to.match(words);
    });
  }

  it('when a delivery goes back to the queue, then the reason counts the offers made', () => {
    expect(queueReturnReason('no_candidate', 0)).to.equal(
      'Auto-dispatch found no available admin under capacity; a super admin must assign it.',
    );
    expect(queueReturnReason('no_candidate', 1)).to.match(/after 1 offer;/);
    expect(queueReturnReason('offers_exhausted', 3)).to.match(/^None of the 3 admins/);
  });

  it('when an offer is pending, then the Temporal UI current details name its admin and deadline', () => {
    const details = currentDetails({
      status: 'CREATED',
      assignedTo: null,
      lastEvent: 'offered',
      lastActor: null,
      lastReason: null,
      at: '2030-01-01T09:00:00.000Z',
      offer: { adminId: 'ann', expiresAt: '2030-01-01T09:02:00.000Z', number: 2, of: 3 },
    });
    expect(details).to.include('**Offer** 2 of 3 to `ann`, open until 2030-01-01T09:02:00.000Z');
  });

  const countdowns: [number, string][] = [
    [125_000, '2:05 left'],
    [1_000, '0:01 left'],
    [0, 'expired'],
    [-5_000, 'expired'],
  ];
  for (const [ms, text] of countdowns) {
    it(`when ${ms} ms remain, then the console's countdown reads "${text}"`, () => {
      const now = Date.parse('2030-01-01T09:00:00.000Z');
      expect(timeLeft(new Date(now + ms).toISOString(), now)).to.equal(text);
    });
  }
});
