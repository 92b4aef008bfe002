import { expect } from 'chai';
import { deliveryIdIn, idPrefixIn } from '../../src/console/delivery-id-in';

describe('deliveryIdIn (what Find by id opens)', () => {
  const id = '3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b';
  const runId = '0192a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b';
  const cases: [pasted: string, found: string | null][] = [
    [id, id],
    [` ${id.toUpperCase()}\n`, id],
    [`'${id}'`, id],
    [`https://ops.example/console#/deliveries/${id}`, id],
    [`DeliveryId='${id}'`, id],
    [`DeliveryId = "${id.toUpperCase()}"`, id],
    // A workflow's address in the Temporal UI: its run id is no delivery's id.
    [`http://localhost:8233/namespaces/default/workflows/delivery-abc/${runId}/history`, null],
    [`${id}x`, null],
    [`#/deliveries/${id}a`, null],
    [id.slice(0, 8), null],
    ['', null],
  ];
  for (const [pasted, found] of cases) {
    it(`when "${pasted}" is pasted, then it opens ${found ?? 'nothing'}`, () => {
      expect(deliveryIdIn(pasted)).to.equal(found);
    });
  }
});

describe('idPrefixIn (the start of an id Find by id looks up)', () => {
  const cases: [typed: string, prefix: string | null][] = [
    ['3f2b8c1e', '3f2b8c1e'],
    [' 3F2B8C1E-5A4D ', '3f2b8c1e-5a4d'],
    ["'3f2b8c1e'", '3f2b8c1e'],
    ['3f2b8c1', null],
    ['3f2b8c1g', null],
    ['Mango crate', null],
  ];
  for (const [typed, prefix] of cases) {
    it(`when "${typed}" is typed, then it looks up ${prefix ?? 'nothing'}`, () => {
      expect(idPrefixIn(typed)).to.equal(prefix);
    });
  }
});
