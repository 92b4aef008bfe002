import { expect } from 'chai';
import type { DeliveryStatus } from '../../src/domain/delivery-status';
import type { DeadlineEventType } from '../../src/domain/delivery-events';
import {
  describeDeadline,
  describeNotification,
  planDeadlineNotifications,
  planNotifications,
  type DeliveryChange,
  type RecipientRole,
} from '../../src/domain/notification-rules';

const P = 'partner-1';
const A = 'admin-1';
const B = 'admin-2';

const change = (overrides: Partial<DeliveryChange>): DeliveryChange => ({
  type: 'status_changed',
  partnerId: P,
  assignedTo: A,
  previousAssignee: null,
  fromStatus: 'ASSIGNED',
  toStatus: 'IN_TRANSIT',
  reason: null,
  failureReason: null,
  proof: null,
  ...overrides,
});

const CASES: [string, Partial<DeliveryChange>, [string, RecipientRole][], string][] = [
  [
    'a delivery is created',
    { type: 'created', assignedTo: null, toStatus: 'CREATED' },
    [],
    'delivery.created',
  ],
  [
    'a delivery is assigned',
    { type: 'assigned', toStatus: 'ASSIGNED' },
    [
      [A, 'assignee'],
      [P, 'partner'],
    ],
    'delivery.assigned',
  ],
  [
    'a delivery is reassigned',
    { type: 'assigned', toStatus: 'ASSIGNED', assignedTo: B, previousAssignee: A },
    [
      [B, 'assignee'],
      [A, 'previous_assignee'],
      [P, 'partner'],
    ],
    'delivery.assigned',
  ],
  ['it goes IN_TRANSIT', { toStatus: 'IN_TRANSIT' }, [[P, 'partner']], 'delivery.status_changed'],
  ['it is COMPLETED', { toStatus: 'COMPLETED' }, [[P, 'partner']], 'delivery.status_changed'],
  ['it FAILED', { toStatus: 'FAILED' }, [[P, 'partner']], 'delivery.status_changed'],
  [
    'it is cancelled while assigned',
    { type: 'cancelled', toStatus: 'CANCELLED' },
    [
      [P, 'partner'],
      [A, 'assignee'],
    ],
    'delivery.cancelled',
  ],
  [
    'it is cancelled before assignment',
    { type: 'cancelled', toStatus: 'CANCELLED', assignedTo: null },
    [[P, 'partner']],
    'delivery.cancelled',
  ],
  [
    'a status change reaches CANCELLED',
    { type: 'status_changed', toStatus: 'CANCELLED' },
    [
      [P, 'partner'],
      [A, 'assignee'],
    ],
    'delivery.cancelled',
  ],
  [
    'a status change reaches a status nobody is told about',
    { type: 'status_changed', toStatus: 'ASSIGNED' as DeliveryStatus },
    [],
    'delivery.status_changed',
  ],
];

describe('who hears what', () => {
  for (const [when, overrides, recipients, webhook] of CASES) {
    it(`when ${when}, then ${recipients.map(([, as]) => as).join(', ') || 'no person'} and the ${webhook} webhook`, () => {
      const plan = planNotifications(change(overrides));
      expect(plan.recipients).to.deep.equal(recipients.map(([userId, as]) => ({ userId, as })));
      expect(plan.webhook).to.equal(webhook);
    });
  }

  it('when the same person appears twice, then they hear it once', () => {
    const plan = planNotifications(
      change({ type: 'assigned', toStatus: 'ASSIGNED', assignedTo: A, previousAssignee: A }),
    );
    expect(plan.recipients.map((r) => r.userId)).to.deep.equal([A, P]);
  });
});

describe('notification wording', () => {
  const WORDS: [string, Partial<DeliveryChange>, RecipientRole, string, RegExp][] = [
    [
      'assigned, to the admin',
      { type: 'assigned' },
      'assignee',
      'delivery.assigned',
      /assigned to you/,
    ],
    [
      'assigned, to the partner',
      { type: 'assigned' },
      'partner',
      'delivery.assigned',
      /has been assigned/,
    ],
    [
      'reassigned, to the previous admin',
      { type: 'assigned', previousAssignee: B },
      'previous_assignee',
      'delivery.unassigned',
      /reassigned to another admin/,
    ],
    ['in transit', { toStatus: 'IN_TRANSIT' }, 'partner', 'delivery.status_changed', /on its way/],
    [
      'failed with a code and the courier’s words',
      { toStatus: 'FAILED', failureReason: 'recipient_unavailable', reason: 'rang twice' },
      'partner',
      'delivery.status_changed',
      /could not be delivered: Recipient unavailable — rang twice\.$/,
    ],
    [
      'failed with a code alone',
      { toStatus: 'FAILED', failureReason: 'address_not_found' },
      'assignee',
      'delivery.status_changed',
      /could not be delivered: Address not found\.$/,
    ],
    [
      'failed for another reason, which the courier’s words name',
      { toStatus: 'FAILED', failureReason: 'other', reason: 'Gate locked.' },
      'partner',
      'delivery.status_changed',
      /could not be delivered: Gate locked\.$/,
    ],
    [
      'failed before failure codes existed, with a reason',
      { toStatus: 'FAILED', reason: 'Nobody home' },
      'partner',
      'delivery.status_changed',
      /could not be delivered: Nobody home\.$/,
    ],
    [
      'completed with a proof',
      { toStatus: 'COMPLETED', proof: { received_by: 'Ada Lovelace', note: null } },
      'partner',
      'delivery.status_changed',
      /has been delivered, received by Ada Lovelace\.$/,
    ],
    [
      'completed with a proof and a note',
      { toStatus: 'COMPLETED', proof: { received_by: 'Ada', note: 'Left at reception' } },
      'partner',
      'delivery.status_changed',
      /has been delivered, received by Ada\. Note: Left at reception\.$/,
    ],
    [
      'completed without a proof',
      { toStatus: 'COMPLETED' },
      'partner',
      'delivery.status_changed',
      /has been delivered\.$/,
    ],
    [
      'cancelled',
      { type: 'cancelled', toStatus: 'CANCELLED' },
      'assignee',
      'delivery.cancelled',
      /cancelled/,
    ],
  ];
  for (const [when, overrides, as, type, message] of WORDS) {
    it(`when ${when}, then the ${type} message names the delivery`, () => {
      const content = describeNotification(change(overrides), as, 'Delivery "Lamp"');
      expect(content.type).to.equal(type);
      expect(content.title).to.be.a('string').and.not.equal('');
      expect(content.message)
        .to.match(/^Delivery "Lamp" /)
        .and.match(message);
    });
  }
});

describe('who hears of a missed deadline, and the words', () => {
  const CASES: [DeadlineEventType, string | null, boolean, [string, RecipientRole][], RegExp][] = [
    ['assignment_overdue', null, true, [], /is still waiting for a courier\.$/],
    [
      'delivery_overdue',
      A,
      false,
      [
        [P, 'partner'],
        [A, 'assignee'],
      ],
      /was not finished by the end of its delivery date\.$/,
    ],
    [
      'delivery_late',
      A,
      false,
      [
        [P, 'partner'],
        [A, 'assignee'],
      ],
      /was not delivered by the end of its window\.$/,
    ],
    ['delivery_late', null, false, [[P, 'partner']], /end of its window/],
  ];
  for (const [type, assignedTo, superAdmins, recipients, words] of CASES) {
    const who = superAdmins ? 'every super admin' : recipients.map(([, as]) => as).join(' and ');
    it(`when ${type} is recorded ${assignedTo ? 'for an assigned delivery' : 'unassigned'}, then it goes to ${who}`, () => {
      const plan = planDeadlineNotifications(type, { partnerId: P, assignedTo });
      expect(plan.superAdmins).to.equal(superAdmins);
      expect(plan.recipients).to.deep.equal(recipients.map(([userId, as]) => ({ userId, as })));
      const content = describeDeadline(type, 'Delivery "Lamp"', null);
      expect(content.type).to.equal(`delivery.${type}`);
      expect(content.message)
        .to.match(/^Delivery "Lamp" /)
        .and.match(words);
    });
  }
});
