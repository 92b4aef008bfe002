import { expect } from 'chai';
import type { DeliveryStatus } from '../../src/domain/delivery-status';
import type { DeadlineEventType } from '../../src/domain/delivery-events';
import {
  describeDeadline,
  describeForRecipient,
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

describe('what the delivery’s recipient reads', () => {
  const WINDOW = 'on Tue, 8 Dec 2026 between 14:00 and 16:00 (UTC)';
  // Words only the people running the delivery may read; the recipient must never see them.
  const INTERNAL = 'courier note: rang twice';
  const CASES: [string, Partial<DeliveryChange>, string | null, string | null, RegExp, RegExp][] = [
    [
      'it is assigned for the first time',
      { type: 'assigned', fromStatus: 'CREATED', toStatus: 'ASSIGNED' },
      null,
      'recipient.assigned',
      /^Your delivery of Lamp is scheduled$/,
      /^A courier has been assigned to your delivery of Lamp\.$/,
    ],
    [
      'it is assigned for the first time, with a drop-off window',
      { type: 'assigned', fromStatus: 'CREATED', toStatus: 'ASSIGNED' },
      WINDOW,
      'recipient.assigned',
      /scheduled/,
      /Lamp\. It should arrive on Tue, 8 Dec 2026 between 14:00 and 16:00 \(UTC\)\.$/,
    ],
    [
      'it is reassigned',
      { type: 'assigned', fromStatus: 'ASSIGNED', toStatus: 'ASSIGNED', previousAssignee: B },
      WINDOW,
      null,
      /./,
      /./,
    ],
    [
      'it is created',
      { type: 'created', fromStatus: null, toStatus: 'CREATED' },
      null,
      null,
      /./,
      /./,
    ],
    [
      'it goes IN_TRANSIT',
      { toStatus: 'IN_TRANSIT' },
      null,
      'recipient.in_transit',
      /^Your delivery of Lamp is on its way$/,
      /^Your delivery of Lamp is on its way\.$/,
    ],
    [
      'it goes IN_TRANSIT, with a drop-off window',
      { toStatus: 'IN_TRANSIT' },
      WINDOW,
      'recipient.in_transit',
      /on its way/,
      /on its way\. It should arrive on Tue, 8 Dec 2026 between 14:00 and 16:00 \(UTC\)\.$/,
    ],
    [
      'it is COMPLETED with a proof',
      {
        fromStatus: 'IN_TRANSIT',
        toStatus: 'COMPLETED',
        proof: { received_by: 'Ada', note: INTERNAL },
      },
      WINDOW,
      'recipient.completed',
      /^Your delivery of Lamp has been delivered$/,
      /^Your delivery of Lamp has been delivered\. It was received by Ada\.$/,
    ],
    [
      'it is COMPLETED without a proof',
      { fromStatus: 'IN_TRANSIT', toStatus: 'COMPLETED' },
      null,
      'recipient.completed',
      /delivered$/,
      /^Your delivery of Lamp has been delivered\.$/,
    ],
    [
      'it FAILED with a code',
      { fromStatus: 'IN_TRANSIT', toStatus: 'FAILED', failureReason: 'recipient_unavailable' },
      WINDOW,
      'recipient.failed',
      /^Your delivery of Lamp could not be completed$/,
      /^Your delivery of Lamp could not be completed\. Nobody was available to receive the parcel\.$/,
    ],
    [
      'it FAILED for another reason',
      { fromStatus: 'IN_TRANSIT', toStatus: 'FAILED', failureReason: 'other' },
      null,
      'recipient.failed',
      /could not be completed$/,
      /could not be completed\. The parcel could not be delivered\.$/,
    ],
    [
      'it is cancelled before assignment',
      { type: 'cancelled', fromStatus: 'CREATED', toStatus: 'CANCELLED', assignedTo: null },
      WINDOW,
      'recipient.cancelled',
      /^Your delivery of Lamp has been cancelled$/,
      /^Your delivery of Lamp has been cancelled\.$/,
    ],
    [
      'a status change reaches CANCELLED',
      { type: 'status_changed', toStatus: 'CANCELLED' },
      null,
      'recipient.cancelled',
      /cancelled$/,
      /cancelled\.$/,
    ],
    [
      'a status change reaches a status nobody is told about',
      { toStatus: 'ASSIGNED' },
      null,
      null,
      /./,
      /./,
    ],
  ];
  for (const [when, overrides, window, type, title, message] of CASES) {
    it(`when ${when}, then ${type ? `the ${type} words, nothing internal` : 'nothing'}`, () => {
      const content = describeForRecipient(
        change({ reason: INTERNAL, ...overrides }),
        'Lamp',
        window,
      );
      if (type === null) {
        expect(content).to.equal(null);
        return;
      }
      expect(content?.type).to.equal(type);
      expect(content?.title).to.match(title);
      expect(content?.message).to.match(message);
      for (const secret of [P, A, B, INTERNAL]) {
        expect(`${content?.title} ${content?.message}`).to.not.include(secret);
      }
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
