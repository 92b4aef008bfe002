import { expect } from 'chai';
import { sandboxOutcome } from '../../src/domain/sandbox';

describe('how a sandbox delivery ends, from its product name', () => {
  const cases: [string, ReturnType<typeof sandboxOutcome>][] = [
    ['Espresso machine', { status: 'COMPLETED' }],
    ['Lamp [fail]', { status: 'FAILED', reason: 'other' }],
    ['[fail:address_not_found] Lamp', { status: 'FAILED', reason: 'address_not_found' }],
    ['Lamp [fail:refused]', { status: 'FAILED', reason: 'refused' }],
    ['Lamp [fail:no_such_code]', { status: 'FAILED', reason: 'other' }],
    ['Lamp [FAIL]', { status: 'COMPLETED' }],
    ['Lamp fail', { status: 'COMPLETED' }],
  ];
  for (const [name, outcome] of cases) {
    it(`when the product name is "${name}", then it ends ${outcome.status}${'reason' in outcome ? ` (${outcome.reason})` : ''}`, () => {
      expect(sandboxOutcome(name)).to.deep.equal(outcome);
    });
  }
});
