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

  const fromIeee754 = (hex: string) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(`0x${hex}`));
    return view.getFloat64(0);
  };
  // RFC 8785 Appendix B: the IEEE 754 double (its bits) and the only text JCS may give it.
  const appendixB: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // minus zero
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'], // round to even
  ];
  for (const [bits, expected] of appendixB) {
    it(`when canonicalising the double ${bits} (RFC 8785 Appendix B), then it is ${expected}`, () => {
      expect(canonicalJson(fromIeee754(bits))).to.equal(expected);
    });
  }
  for (const [bits, what] of [
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
  ]) {
    it(`when canonicalising ${what} (RFC 8785 Appendix B), then it is an error`, () => {
      expect(() => canonicalJson(fromIeee754(bits as string))).to.throw(TypeError, 'non-finite');
    });
  }

  // RFC 8785 §3.2.2.3, numbers as a client writes them.
  const written: [string, string][] = [
    ['1e21', '1e+21'],
    ['1E30', '1e+30'],
    ['1e-7', '1e-7'],
    ['0.000001', '0.000001'],
    ['0.000000000000000000000000001', '1e-27'],
    ['2e-3', '0.002'],
    ['4.50', '4.5'],
    ['-0', '0'],
    ['333333333.33333329', '333333333.3333333'],
  ];
  for (const [text, expected] of written) {
    it(`when the request has the number ${text}, then it is canonicalised as ${expected}`, () => {
      expect(canonicalJson(JSON.parse(`[${text}]`))).to.equal(`[${expected}]`);
    });
  }

  // RFC 8785 §3.2.3: property names sort by their UTF-16 code units.
  const rfcSortingExample = {
    '\u20ac': 'Euro Sign',
    '\r': 'Carriage Return',
    '\ufb33': 'Hebrew Letter Dalet With Dagesh',
    '1': 'One',
    '\ud83d\ude00': 'Emoji: Grinning Face',
    '\u0080': 'Control',
    '\u00f6': 'Latin Small Letter O With Diaeresis',
  };
  // Compared as text: JSON.parse would put the integer-like name "1" first again.
  it('when the RFC 8785 §3.2.3 names are NFC already, then they sort as the RFC sorts them (UTF-16 code units: the emoji after the euro sign)', () => {
    const nfcStable = Object.fromEntries(
      Object.entries(rfcSortingExample).filter(([name]) => name !== '\ufb33'),
    );
    for (const name of Object.keys(nfcStable)) expect(name.normalize('NFC')).to.equal(name);
    expect(canonicalJson(nfcStable)).to.equal(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face"}',
    );
  });

  // Our one deliberate departure from plain JCS: strings are NFC-normalised first, so "é" typed
  // precomposed or decomposed is one request. U+FB33 is a composition exclusion: NFC turns it into
  // U+05D3 U+05BC (dalet, dagesh), which sorts before the euro sign; plain JCS keeps "\ufb33" and
  // sorts it last.
  it('when a name is not NFC (U+FB33 in the RFC 8785 §3.2.3 example), then it is normalised first and sorts as its NFC form, unlike plain JCS', () => {
    expect('\ufb33'.normalize('NFC')).to.equal('\u05d3\u05bc');
    expect(canonicalJson(rfcSortingExample)).to.equal(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u05d3\u05bc":"Hebrew Letter Dalet With Dagesh",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face"}',
    );
  });

  it('when canonicalising the RFC 8785 §3.2.4 example, then it is the RFC output', () => {
    const input = `{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalJson(JSON.parse(input))).to.equal(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });
});
