import { expect } from 'chai';
import { timelineSentence } from '../../src/console/timeline-words';
import type { TimelineEvent } from '../../src/schemas/deliveries';

const SAM = '00000000-0000-4000-8000-000000000001';
const ANN = '00000000-0000-4000-8000-000000000002';
const PAULA = '00000000-0000-4000-8000-000000000003';

function event(overrides: Partial<TimelineEvent>): TimelineEvent {
  return {
    type: 'created',
    from_status: null,
    to_status: 'CREATED',
    actor_id: null,
    actor_key_name: null,
    actor_name: null,
    assigned_to: null,
    assignee_name: null,
    reason: null,
    failure_reason: null,
    proof: null,
    at: '2030-01-01T09:00:00.000Z',
    ...overrides,
  };
}

const bySam = { actor_id: SAM, actor_name: 'Sam Super' };
const toAnn = { assigned_to: ANN, assignee_name: 'Ann Admin' };

describe('the timeline in words', () => {
  const cases: [string, Partial<TimelineEvent>, string, string][] = [
    [
      'a creation by a partner',
      { actor_id: PAULA, actor_name: 'Paula Partner' },
      SAM,
      'Created by Paula Partner',
    ],
    [
      'a creation through an API key',
      { actor_id: PAULA, actor_name: null, actor_key_name: 'shop' },
      SAM,
      'Created by API key "shop"',
    ],
    [
      'an assignment',
      { type: 'assigned', from_status: 'CREATED', to_status: 'ASSIGNED', ...bySam, ...toAnn },
      PAULA,
      'Assigned to Ann Admin by Sam Super',
    ],
    [
      'an assignment read by its admin',
      { type: 'assigned', from_status: 'CREATED', to_status: 'ASSIGNED', ...bySam, ...toAnn },
      ANN,
      'Assigned to you by Sam Super',
    ],
    [
      'a reassignment read by the super admin',
      { type: 'assigned', from_status: 'ASSIGNED', to_status: 'ASSIGNED', ...bySam, ...toAnn },
      SAM,
      'Reassigned to Ann Admin by you',
    ],
    [
      'an assignment recorded before names were kept',
      { type: 'assigned', from_status: 'CREATED', to_status: 'ASSIGNED', actor_id: SAM },
      PAULA,
      'Assigned',
    ],
    [
      'the admin leaving',
      {
        type: 'status_changed',
        from_status: 'ASSIGNED',
        to_status: 'IN_TRANSIT',
        actor_id: ANN,
        actor_name: 'Ann Admin',
        ...toAnn,
      },
      PAULA,
      'Marked in transit by Ann Admin',
    ],
    [
      'a delivery',
      {
        type: 'status_changed',
        from_status: 'IN_TRANSIT',
        to_status: 'COMPLETED',
        actor_id: ANN,
        actor_name: 'Ann Admin',
      },
      PAULA,
      'Delivered by Ann Admin',
    ],
    [
      'a failure',
      {
        type: 'status_changed',
        from_status: 'IN_TRANSIT',
        to_status: 'FAILED',
        actor_id: ANN,
        actor_name: 'Ann Admin',
      },
      PAULA,
      'Marked failed by Ann Admin',
    ],
    [
      'an operator cancellation',
      { type: 'cancelled', from_status: 'CREATED', to_status: 'CANCELLED' },
      PAULA,
      'Cancelled',
    ],
    [
      'a reset corrected',
      { type: 'reconciled', from_status: 'ASSIGNED', to_status: 'CREATED' },
      SAM,
      'Corrected to Created after an operator reset',
    ],
    [
      'an offer by auto-dispatch',
      { type: 'offered', from_status: 'CREATED', reason: `Offered to Ann Admin (${ANN}).` },
      SAM,
      'Offered to an admin',
    ],
    [
      'an offer declined, read by the admin who declined it',
      { type: 'offer_declined', from_status: 'CREATED', actor_id: ANN, actor_name: 'Ann Admin' },
      ANN,
      'Offer declined by you',
    ],
    [
      'a delivery handed back for a human',
      { type: 'returned_to_queue', from_status: 'CREATED' },
      SAM,
      'Back in the queue: no admin accepted it',
    ],
  ];
  for (const [what, overrides, viewer, sentence] of cases) {
    it(`when the event is ${what}, then it reads "${sentence}"`, () => {
      expect(timelineSentence(event(overrides), viewer)).to.equal(sentence);
    });
  }
});
