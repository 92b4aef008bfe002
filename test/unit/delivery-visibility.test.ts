import { expect } from 'chai';
import {
  deliveryScope,
  isDeliveryVisibleTo,
  type DeliveryScope,
  type VisibleParties,
} from '../../src/domain/delivery-visibility';
import { ROLES, type Role } from '../../src/domain/roles';

const ME = '6f1c2f8e-6d47-4b8a-9a55-2a3b4c5d6e7f';
const SOMEONE = '0b7d4a52-1f0e-4d7e-8f51-0d9a3c2b1a00';

const deliveries: Record<string, VisibleParties> = {
  'requested by me, unassigned': { partnerId: ME, assignedTo: null },
  'requested by someone, assigned to me': { partnerId: SOMEONE, assignedTo: ME },
  'requested by someone, unassigned': { partnerId: SOMEONE, assignedTo: null },
  'requested by someone, assigned to someone': { partnerId: SOMEONE, assignedTo: SOMEONE },
};

// Each row: the role, then whether it sees each delivery above, in order.
const table: [Role, DeliveryScope, boolean[]][] = [
  ['super_admin', { kind: 'all' }, [true, true, true, true]],
  ['partner', { kind: 'partner', partnerId: ME }, [true, false, false, false]],
  ['admin', { kind: 'assignee', adminId: ME }, [false, true, false, false]],
  // A role the code does not know (a stale token, a row written by hand) sees nothing.
  ['courier' as Role, { kind: 'none' }, [false, false, false, false]],
];

describe('delivery visibility', () => {
  it('when a role is in ROLES, then the table decides what it sees', () => {
    expect(table.map(([role]) => role).filter((role) => ROLES.includes(role))).to.have.members([
      ...ROLES,
    ]);
  });

  for (const [role, scope, sees] of table) {
    it(`when the viewer is a ${role}, then the scope is ${scope.kind}`, () => {
      expect(deliveryScope({ id: ME, role })).to.deep.equal(scope);
    });
    Object.entries(deliveries).forEach(([what, parties], i) => {
      it(`when a ${role} looks at a delivery ${what}, then it is ${sees[i] ? 'visible' : 'hidden'}`, () => {
        expect(isDeliveryVisibleTo({ id: ME, role }, parties)).to.equal(sees[i]);
      });
    });
  }
});
