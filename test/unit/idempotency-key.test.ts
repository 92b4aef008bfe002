import { expect } from 'chai';
import { deliveryKey } from '../../src/deliveries/idempotency';
import { canonicalJson, isValidIdempotencyHeader } from '../../src/domain/idempotency-key';

const USER = '6f1c2f8e-6d47-4b8a-9a55-2a3b4c5d6e7f';
const OTHER_USER = '0b7d4a52-1f0e-4d7e-8f51-0d9a3c2b1a00';
const payload = {
  product_name: 'Café crème',
  delivery_address: '1 Main St',
  delivery_date: '2030-01-01',
};
const keyOf = (body: string, user = USER) => deliveryKey(user, JSON.parse(body)).key;

describe('idempotency key derivation', () => {
  const same: [string, string][] = [
    [
      'keys in another order',
      '{"delivery_date":"2030-01-01","delivery_address":"1 Main St","product_name":"Café crème"}',
    ],
    [
      'whitespace between tokens',
      '{ "product_name" : "Café crème",\n "delivery_address":"1 Main St", "delivery_date" :"2030-01-01" }',
    ],
    ['decomposed unicode', JSON.stringify({ ...payload, product_name: 'Cafe\u0301 cre\u0300me' })],
    [
      'escaped unicode',
      '{"product_name":"Caf\\u00e9 cr\\u00e8me","delivery_address":"1 Main St","delivery_date":"2030-01-01"}',
    ],
  ];
  for (const [what, body] of same) {
    it(`when the payload differs only by ${what}, then the key is the same`, () => {
      expect(keyOf(body)).to.equal(deliveryKey(USER, payload).key);
    });
  }

  const different: [string, string, string][] = [
    ['another user', JSON.stringify(payload), OTHER_USER],
    ['another product', JSON.stringify({ ...payload, product_name: 'Tea' }), USER],
    ['an extra field', JSON.stringify({ ...payload, notes: 'ring twice' }), USER],
    [
      'significant spaces in a value',
      JSON.stringify({ ...payload, delivery_address: '1 Main St ' }),
      USER,
    ],
  ];
  for (const [what, body, user] of different) {
    it(`when the request has ${what}, then the key differs`, () => {
      expect(keyOf(body, user)).to.not.equal(deliveryKey(USER, payload).key);
    });
  }

  it('when a key is derived, then it is delivery- plus 64 hex digits', () => {
    expect(deliveryKey(USER, payload).key).to.match(/^delivery-[0-9a-f]{64}$/);
  });

  it('when an Idempotency-Key header is given, then the key ignores the payload but the payload hash does not', () => {
    const a = deliveryKey(USER, payload, 'order-42');
    const b = deliveryKey(USER, { ...payload, product_name: 'Tea' }, 'order-42');
    expect(a.key).to.equal(b.key);
    expect(a.payloadHash).to.not.equal(b.payloadHash);
    expect(a.key).to.not.equal(deliveryKey(OTHER_USER, payload, 'order-42').key);
    expect(a.key).to.not.equal(deliveryKey(USER, payload).key);
    expect(a.payloadHash).to.equal(deliveryKey(USER, payload).payloadHash);
  });

  const headers: [string, boolean][] = [
    ['order-42', true],
    ['a', true],
    ['x'.repeat(255), true],
    ['order 42', true],
    ['', false],
    // HTTP strips surrounding spaces, so no server could receive these as sent.
    [' order-42', false],
    ['order-42 ', false],
    ['x'.repeat(256), false],
    ['tab\there', false],
    ['naïve', false],
  ];
  for (const [value, valid] of headers) {
    it(`when the header is ${JSON.stringify(value.slice(0, 20))}…, then it is ${valid ? 'accepted' : 'refused'}`, () => {
      expect(isValidIdempotencyHeader(value)).to.equal(valid);
      if (!valid) expect(() => deliveryKey(USER, payload, value)).to.throw('Idempotency-Key');
    });
  }
});

describe('RFC 8785 canonical JSON', () => {
  const vectors: [unknown, string][] = [
    [{ b: 1, a: [true, null, 'x'] }, '{"a":[true,null,"x"],"b":1}'],
    [{ '€': 1, '\r': 2, '1': 3, ö: 4 }, '{"\\r":2,"1":3,"ö":4,"€":1}'],
    [[1e21, 0.000001, -0, Number('333333333.33333329')], '[1e+21,0.000001,0,333333333.3333333]'],
    ['\u0001"\\', '"\\u0001\\"\\\\"'],
  ];
  for (const [value, expected] of vectors) {
    it(`when canonicalising ${JSON.stringify(value)}, then it is ${expected}`, () => {
      expect(canonicalJson(value)).to.equal(expected);
    });
  }
});
