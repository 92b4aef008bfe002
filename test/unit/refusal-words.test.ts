import { Type, type TSchema } from '@sinclair/typebox';
import { expect } from 'chai';
import { ValidationError } from '../../src/domain/errors';
import { validate } from '../../src/schemas/validate';

/** What the API says of `value` in the field `f` of a body with that one field's schema. */
function refusalOf(schema: TSchema, value: unknown): string {
  try {
    validate(Type.Object({ f: schema }), { f: value });
  } catch (error) {
    if (error instanceof ValidationError) return error.errors[0]!.message;
    throw error;
  }
  throw new Error('the value was accepted');
}

describe('refusals in words a person would write', () => {
  const cases: [string, TSchema, unknown, string][] = [
    ['an empty name', Type.String({ minLength: 1 }), '', 'must not be empty'],
    ['a short password', Type.String({ minLength: 10 }), 'abc', 'must be at least 10 characters'],
    ['a long note', Type.String({ maxLength: 5 }), 'abcdef', 'must be at most 5 characters'],
    [
      'a date in words',
      Type.String({ format: 'date' }),
      'tomorrow',
      'must be a date like 2030-01-31',
    ],
    [
      'a time without a zone',
      Type.String({ format: 'date-time' }),
      '2030-01-31 09:00',
      'must be a date and time like 2030-01-31T09:00:00Z',
    ],
    [
      'a name for an email',
      Type.String({ format: 'email' }),
      'ann',
      'must be an email address like ann@example.com',
    ],
    [
      'a host for a URL',
      Type.String({ format: 'uri' }),
      'example.com',
      'must be a full web address like https://example.com/hook',
    ],
    ['a number for text', Type.String(), 42, 'must be text'],
    ['a fraction for a count', Type.Integer(), 1.5, 'must be a whole number'],
    ['a word for a flag', Type.Boolean(), 'yes', 'must be true or false'],
    ['a word for a list', Type.Array(Type.String()), 'a', 'must be a list'],
    ['zero for a page size', Type.Integer({ minimum: 1 }), 0, 'must be 1 or more'],
    ['too many', Type.Integer({ maximum: 100 }), 101, 'must be 100 or less'],
    ['an empty list', Type.Array(Type.String(), { minItems: 1 }), [], 'must not be empty'],
    [
      'a long list',
      Type.Array(Type.String(), { maxItems: 2 }),
      ['a', 'b', 'c'],
      'must have at most 2 items',
    ],
  ];
  for (const [what, schema, value, words] of cases) {
    it(`when the value is ${what}, then it ${words}`, () => {
      expect(refusalOf(schema, value)).to.equal(words);
    });
  }

  it('when no refusal reads like a schema checker, then no ajv phrasing is left in any of them', () => {
    for (const [, schema, value] of cases) {
      expect(refusalOf(schema, value)).not.to.match(/must NOT|must match|must be equal|>=|<=/);
    }
  });
});
