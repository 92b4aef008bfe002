import { expect } from 'chai';
import { rejectProofPhoto, type DeliveryParties } from '../../src/domain/delivery-rules';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../src/domain/delivery-status';
import type { Role } from '../../src/domain/roles';

const ME = '6f1c2f8e-6d47-4b8a-9a55-2a3b4c5d6e7f';
const SOMEONE = '0b7d4a52-1f0e-4d7e-8f51-0d9a3c2b1a00';

const parties = (status: DeliveryStatus, assignedTo: string | null): DeliveryParties => ({
  status,
  partnerId: ME,
  assignedTo,
});

// Each row: who asks, the delivery's assignee, and the refusal code for every status in order
// (CREATED, ASSIGNED, IN_TRANSIT, COMPLETED, FAILED, CANCELLED); null means allowed.
const C = 'conflict' as const;
const F = 'forbidden' as const;
const table: [string, Role, string | null, (typeof C | typeof F | null)[]][] = [
  ['the assigned admin', 'admin', ME, [C, null, null, C, C, C]],
  ['another admin', 'admin', SOMEONE, [F, F, F, F, F, F]],
  ['a super admin', 'super_admin', SOMEONE, [C, null, null, C, C, C]],
  // The partner sees its delivery but never completes it, so it adds no photo either.
  ['its partner', 'partner', SOMEONE, [F, F, F, F, F, F]],
  ['a role the code does not know', 'courier' as Role, ME, [F, F, F, F, F, F]],
];

describe('who may add a proof photo, and when', () => {
  for (const [who, role, assignedTo, codes] of table) {
    DELIVERY_STATUSES.forEach((status, i) => {
      const expected = codes[i];
      it(`when ${who} adds a photo to a ${status} delivery, then ${expected ?? 'it is allowed'}`, () => {
        const refusal = rejectProofPhoto({ id: ME, role }, parties(status, assignedTo));
        expect(refusal?.code ?? null).to.equal(expected);
      });
    });
  }
});
