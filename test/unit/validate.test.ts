import { Type } from '@sinclair/typebox';
import { expect } from 'chai';
import {
  MAX_JSON_DEPTH,
  MAX_JSON_VALUES,
  jsonLimitExceeded,
} from '../../src/api/middleware/json-limits';
import { ValidationError } from '../../src/domain/errors';
import { IdParams } from '../../src/schemas/common';
import {
  CreateDeliveryRequest,
  StatusRequest,
  DeliveryListQuery,
} from '../../src/schemas/deliveries';
import { MAX_REPORTED_ERRORS, validate } from '../../src/schemas/validate';

const Login = Type.Object(
  { email: Type.String(), password: Type.String() },
  { additionalProperties: false },
);

function validationErrorOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const manyKeys = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i.toString(36)}`, 'x']));

describe('validate', () => {
  it('when a body has 131,555 unknown keys, then it answers in linear time with a short list and the count', () => {
    const started = performance.now();
    const error = validationErrorOf(() => validate(Login, manyKeys(131_555)));
    const elapsed = performance.now() - started;
    // Quadratic deduplication took ~21 s here; linear work is a few hundred ms even on a busy machine.
    expect(elapsed).to.be.below(3000);
    expect(error.errors).to.have.length(MAX_REPORTED_ERRORS);
    // Every key is an unknown field, plus the two missing required fields.
    expect(error.errorCount).to.equal(131_555 + 2);
  });

  it('when two rules report the same error, then it is listed once', () => {
    const Twice = Type.Unsafe({
      allOf: [
        { type: 'object', required: ['a'] },
        { type: 'object', required: ['a'] },
      ],
    });
    const error = validationErrorOf(() => validate(Twice, {}));
    expect(error.errors).to.deep.equal([{ field: 'a', message: 'is required' }]);
    expect(error.errorCount).to.equal(1);
  });

  it('when a path id is not a canonical UUID, then the path is named and the id refused once, without a regex', () => {
    for (const id of ['not-a-uuid', 'urn:uuid:3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b']) {
      const error = validationErrorOf(() => validate(IdParams, { id }, 'params'));
      expect(error.message).to.equal('The request path is invalid.');
      expect(error.errors).to.deep.equal([
        { field: 'id', message: 'must be an id like 3f2b7c1e-8d4a-4c2e-9b1f-5a6d7e8f9a0b' },
      ]);
    }
  });

  it('when a value is not one of a closed set, then the refusal lists the values a person can choose from', () => {
    const error = validationErrorOf(() =>
      validate(StatusRequest, { status: 'LOST', failure_reason: 'weather' }),
    );
    expect(error.errors).to.deep.include({
      field: 'status',
      message: 'must be one of: IN_TRANSIT, COMPLETED, FAILED',
    });
    expect(error.errors).to.deep.include({
      field: 'failure_reason',
      message: 'must be one of: recipient_unavailable, address_not_found, refused, damaged, other',
    });
  });

  it('when FAILED comes without its code, or a code without FAILED, then the refusal says the rule in words', () => {
    const missing = validationErrorOf(() => validate(StatusRequest, { status: 'FAILED' }));
    expect(missing.errors).to.deep.equal([
      { field: 'failure_reason', message: 'is required when the status is FAILED' },
    ]);
    const stray = validationErrorOf(() =>
      validate(StatusRequest, { status: 'IN_TRANSIT', failure_reason: 'refused' }),
    );
    expect(stray.errors).to.deep.equal([
      { field: 'failure_reason', message: 'goes with the status FAILED only' },
    ]);
  });

  it('when the product of a delivery is empty and its address white space only, then each is refused once, as blank', () => {
    const body = { product_name: '', delivery_address: '\u00a0\t', delivery_date: '2030-01-01' };
    const error = validationErrorOf(() => validate(CreateDeliveryRequest, body));
    expect(error.errors).to.deep.equal([
      { field: 'product_name', message: 'must not be blank' },
      { field: 'delivery_address', message: 'must not be blank' },
    ]);
  });

  it('when a query parameter is repeated, then it is refused once as repeated, and other fields as usual', () => {
    const query = { status: ['CREATED', 'FAILED'], limit: '0' };
    const error = validationErrorOf(() => validate(DeliveryListQuery, query, 'query'));
    expect(error.message).to.equal('The request query is invalid.');
    expect(error.errors).to.deep.equal([
      { field: 'status', message: 'must be given once' },
      { field: 'limit', message: 'must be 1 or more' },
    ]);
  });

  it('when a value nests 100,000 levels deep, then checking its text does not overflow the stack', () => {
    let deep: unknown = 'end';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const error = validationErrorOf(() => validate(Type.Object({}), deep));
    expect(error.errors).to.have.length.at.least(1);
  });
});

describe('JSON limits', () => {
  const cases: [string, string, string | null][] = [
    ['an empty object', '{}', null],
    ['an empty array', '[]', null],
    ['brackets and commas inside strings', '{"a":"[[[,,,\\"{{{"}', null],
    ['exactly the deepest nesting', '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH), null],
    [
      'one level deeper',
      '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1),
      `nests deeper than ${MAX_JSON_DEPTH} levels`,
    ],
    [
      '3,000 nested arrays',
      '['.repeat(3000) + ']'.repeat(3000),
      `nests deeper than ${MAX_JSON_DEPTH} levels`,
    ],
    ['exactly the most values', JSON.stringify(Array(MAX_JSON_VALUES).fill(0)), null],
    [
      'one value more',
      JSON.stringify(Array(MAX_JSON_VALUES + 1).fill(0)),
      `holds more than ${MAX_JSON_VALUES} values`,
    ],
    [
      'values spread over nested objects',
      JSON.stringify({ a: manyKeys(MAX_JSON_VALUES / 2), b: manyKeys(MAX_JSON_VALUES / 2) }),
      `holds more than ${MAX_JSON_VALUES} values`,
    ],
  ];
  for (const [what, text, expected] of cases) {
    it(`when the text is ${what}, then the verdict is ${expected ?? 'within bounds'}`, () => {
      expect(jsonLimitExceeded(text)).to.equal(expected);
    });
  }
});
