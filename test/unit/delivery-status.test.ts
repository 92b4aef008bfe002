import { expect } from 'chai';
import {
  allowedNextStatuses,
  canTransition,
  DELIVERY_STATUSES,
  isTerminal,
  type DeliveryStatus,
} from '../../src/domain/delivery-status';
import { rejectCommand, type Actor, type DeliveryCommand } from '../../src/domain/delivery-rules';

const ALLOWED: [DeliveryStatus, DeliveryStatus][] = [
  ['CREATED', 'ASSIGNED'],
  ['CREATED', 'CANCELLED'],
  ['ASSIGNED', 'ASSIGNED'],
  ['ASSIGNED', 'IN_TRANSIT'],
  ['ASSIGNED', 'CANCELLED'],
  ['IN_TRANSIT', 'COMPLETED'],
  ['IN_TRANSIT', 'FAILED'],
];
const isAllowed = (from: DeliveryStatus, to: DeliveryStatus) =>
  ALLOWED.some(([f, t]) => f === from && t === to);

describe('delivery transition table', () => {
  for (const from of DELIVERY_STATUSES) {
    for (const to of DELIVERY_STATUSES) {
      const expected = isAllowed(from, to);
      it(`when moving ${from} → ${to}, then it is ${expected ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).to.equal(expected);
        expect(allowedNextStatuses(from).includes(to)).to.equal(expected);
      });
    }
  }

  it('when a status has no way out, then it is terminal (exactly COMPLETED, FAILED, CANCELLED)', () => {
    expect(DELIVERY_STATUSES.filter(isTerminal)).to.deep.equal([
      'COMPLETED',
      'FAILED',
      'CANCELLED',
    ]);
  });
});

describe('delivery actor rules', () => {
  const partner: Actor = { id: 'p1', role: 'partner' };
  const otherPartner: Actor = { id: 'p2', role: 'partner' };
  const admin: Actor = { id: 'a1', role: 'admin' };
  const otherAdmin: Actor = { id: 'a2', role: 'admin' };
  const superAdmin: Actor = { id: 's1', role: 'super_admin' };
  // A role added to the type but not yet to the rules: it must be refused everything.
  const unknownRole = { id: 'a1', role: 'dispatcher' } as unknown as Actor;
  const assigned = { status: 'ASSIGNED' as const, partnerId: 'p1', assignedTo: 'a1' };
  const inTransit = { ...assigned, status: 'IN_TRANSIT' as const };

  const cases: [
    string,
    Actor,
    typeof assigned | typeof inTransit,
    DeliveryCommand,
    string | null,
  ][] = [
    ['super admin assigns', superAdmin, assigned, { kind: 'assign', adminId: 'a2' }, null],
    ['admin assigns', admin, assigned, { kind: 'assign', adminId: 'a2' }, 'forbidden'],
    ['partner assigns', partner, assigned, { kind: 'assign', adminId: 'a2' }, 'forbidden'],
    [
      'assigned admin starts transit',
      admin,
      assigned,
      { kind: 'transition', status: 'IN_TRANSIT' },
      null,
    ],
    [
      'other admin starts transit',
      otherAdmin,
      assigned,
      { kind: 'transition', status: 'IN_TRANSIT' },
      'forbidden',
    ],
    [
      'super admin completes',
      superAdmin,
      inTransit,
      { kind: 'transition', status: 'COMPLETED' },
      null,
    ],
    [
      'partner completes',
      partner,
      inTransit,
      { kind: 'transition', status: 'COMPLETED' },
      'forbidden',
    ],
    [
      'assigned admin completes too early',
      admin,
      assigned,
      { kind: 'transition', status: 'COMPLETED' },
      'invalid-transition',
    ],
    ['owning partner cancels', partner, assigned, { kind: 'cancel' }, null],
    ['other partner cancels', otherPartner, assigned, { kind: 'cancel' }, 'forbidden'],
    ['assigned admin cancels', admin, assigned, { kind: 'cancel' }, 'forbidden'],
    ['super admin cancels', superAdmin, assigned, { kind: 'cancel' }, null],
    ['unknown role assigns', unknownRole, assigned, { kind: 'assign', adminId: 'a2' }, 'forbidden'],
    [
      'unknown role, named as the assignee, moves it',
      unknownRole,
      assigned,
      { kind: 'transition', status: 'IN_TRANSIT' },
      'forbidden',
    ],
    [
      'owning partner cancels in transit',
      partner,
      inTransit,
      { kind: 'cancel' },
      'invalid-transition',
    ],
    [
      'super admin assigns in transit',
      superAdmin,
      inTransit,
      { kind: 'assign', adminId: 'a2' },
      'invalid-transition',
    ],
  ];
  for (const [what, actor, delivery, command, expected] of cases) {
    it(`when the ${what}, then the answer is ${expected ?? 'accepted'}`, () => {
      const rejection = rejectCommand(actor, delivery, command);
      expect(rejection?.code ?? null).to.equal(expected);
      if (rejection) expect(rejection.allowed).to.deep.equal(allowedNextStatuses(delivery.status));
    });
  }

  it('when a role may not make a change, then the refusal names the role and the change in words', () => {
    const messages = [
      rejectCommand(admin, assigned, { kind: 'assign', adminId: 'a2' }),
      rejectCommand(otherAdmin, assigned, { kind: 'transition', status: 'IN_TRANSIT' }),
      rejectCommand(otherPartner, assigned, { kind: 'cancel' }),
    ].map((rejection) => rejection?.message);
    expect(messages).to.deep.equal([
      'An admin may not assign this delivery.',
      'An admin may not change the status of this delivery.',
      'A partner may not cancel this delivery.',
    ]);
  });
});
