/**
 * A refused value said as a person would say it, after the field's name: "Delivery date must be a
 * date like 2030-01-31", not ajv's `must match format "date"`. One place for every keyword the
 * schemas use, so the API's problems, the OpenAPI examples and the console read alike.
 */
import type { ErrorObject } from 'ajv';

const FORMATS: Record<string, string> = {
  date: 'must be a date like 2030-01-31',
  'date-time': 'must be a date and time like 2030-01-31T09:00:00Z',
  email: 'must be an email address like ann@example.com',
  uri: 'must be a full web address like https://example.com/hook',
  uuid: 'must be an id like 3f2b7c1e-8d4a-4c2e-9b1f-5a6d7e8f9a0b',
};

const TYPES: Record<string, string> = {
  string: 'must be text',
  integer: 'must be a whole number',
  number: 'must be a number',
  boolean: 'must be true or false',
  object: 'must be an object of fields',
  array: 'must be a list',
  null: 'must be null',
};

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export function formatInWords(format: string): string {
  return FORMATS[format] ?? `must be a valid ${format}`;
}

/** The words for one ajv error, or undefined for a keyword without its own words. */
export function refusalInWords(e: Pick<ErrorObject, 'keyword' | 'params'>): string | undefined {
  const limit = Number(e.params['limit']);
  switch (e.keyword) {
    case 'minLength':
      return limit === 1
        ? 'must not be empty'
        : `must be at least ${plural(limit, 'character', 'characters')}`;
    case 'maxLength':
      return `must be at most ${plural(limit, 'character', 'characters')}`;
    case 'minimum':
      return `must be ${limit} or more`;
    case 'maximum':
      return `must be ${limit} or less`;
    case 'exclusiveMinimum':
      return `must be more than ${limit}`;
    case 'exclusiveMaximum':
      return `must be less than ${limit}`;
    case 'minItems':
      return limit === 1
        ? 'must not be empty'
        : `must have at least ${plural(limit, 'item', 'items')}`;
    case 'maxItems':
      return `must have at most ${plural(limit, 'item', 'items')}`;
    case 'uniqueItems':
      return 'must not list the same item twice';
    case 'format':
      return formatInWords(String(e.params['format']));
    case 'type': {
      const types = String(e.params['type']).split(',');
      return types.map((type) => TYPES[type] ?? `must be ${type}`).join(' or ');
    }
    case 'const':
      return `must be ${JSON.stringify(e.params['allowedValue'])}`;
    case 'pattern':
      return 'is not in the expected form';
    default:
      return undefined;
  }
}
