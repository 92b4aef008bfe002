import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError, type FieldError } from '../domain/errors';
import {
  NOT_BLANK_PATTERN,
  REFUSAL,
  STREAM_POSITION_PATTERN,
  STREAM_POSITION_REFUSAL,
  UUID_PATTERN,
} from './common';
import { formatInWords, refusalInWords } from './refusal-words';

// No coercion, bodies and queries alike: ajv's would read `1e2`, `0x10` and ` 5` as numbers.
// Query text is converted by `fromQueryText` before validation. `verbose` hands each error its
// schema, so a rule can say its refusal in words (REFUSAL below).
const ajv = new Ajv({
  allErrors: true,
  coerceTypes: false,
  useDefaults: true,
  strict: false,
  verbose: true,
});
addFormats(ajv);

const compiled = new WeakMap<TSchema, ValidateFunction>();

function compile(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;
const NUMBER_TEXT = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/**
 * Query and path values arrive as text: a value is converted only when it is the plain decimal
 * (or `true`/`false`) the schema's type is written as; anything else stays text for ajv to refuse.
 */
function fromQueryText(schema: TSchema, value: unknown): unknown {
  const properties = schema['properties'] as Record<string, TSchema> | undefined;
  if (!properties || typeof value !== 'object' || value === null) return value;
  const converted: Record<string, unknown> = { ...value };
  for (const [name, text] of Object.entries(converted)) {
    const type = properties[name]?.['type'];
    if (typeof text !== 'string') continue;
    if (type === 'integer' && INTEGER_TEXT.test(text)) converted[name] = Number(text);
    if (type === 'number' && NUMBER_TEXT.test(text)) converted[name] = Number(text);
    if (type === 'boolean' && (text === 'true' || text === 'false')) {
      converted[name] = text === 'true';
    }
  }
  return converted;
}

/**
 * Parameters sent more than once (`?status=A&status=B`) where the schema takes one value: said as
 * that, instead of ajv's "must be string" beside whatever else the list breaks.
 */
function repeatedParameters(schema: TSchema, value: unknown): Set<string> {
  const properties = schema['properties'] as Record<string, TSchema> | undefined;
  const repeated = new Set<string>();
  if (!properties || typeof value !== 'object' || value === null) return repeated;
  for (const [name, given] of Object.entries(value)) {
    if (Array.isArray(given) && properties[name] && properties[name]['type'] !== 'array') {
      repeated.add(name);
    }
  }
  return repeated;
}

export type InputPart = 'body' | 'query' | 'params';

const PART_NAMES: Record<InputPart, string> = { body: 'body', query: 'query', params: 'path' };

/** The detail of a 400 for this part of the request: "The request path is invalid." */
export const invalidInputDetail = (where: InputPart) =>
  `The request ${PART_NAMES[where]} is invalid.`;

/** Patterns refused in words rather than as a regex. */
const PATTERN_MESSAGES: Record<string, string> = {
  // The Uuid pattern only narrows its format to the canonical form: one refusal, said once.
  [UUID_PATTERN]: formatInWords('uuid'),
  [NOT_BLANK_PATTERN]: 'must not be blank',
  [STREAM_POSITION_PATTERN]: STREAM_POSITION_REFUSAL,
};

function refusalOf(e: ErrorObject): string | undefined {
  const schema = e.parentSchema as Record<string, unknown> | undefined;
  const refusal = schema?.[REFUSAL];
  return typeof refusal === 'string' ? refusal : undefined;
}

function toFieldError(where: string, e: ErrorObject): FieldError {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const refusal = refusalOf(e);
  if (e.keyword === 'additionalProperties') {
    const extra = String(e.params['additionalProperty']);
    return { field: base ? `${base}.${extra}` : extra, message: 'is not an allowed field' };
  }
  if (e.keyword === 'required') {
    const missing = String(e.params['missingProperty']);
    return { field: base ? `${base}.${missing}` : missing, message: refusal ?? 'is required' };
  }
  if (refusal) return { field: base || where, message: refusal };
  if (e.keyword === 'enum') {
    // The values a person can choose from, not ajv's "must be equal to one of the allowed values".
    const allowed = (e.params['allowedValues'] as unknown[]).map(String).join(', ');
    return { field: base || where, message: `must be one of: ${allowed}` };
  }
  const patternMessage =
    e.keyword === 'pattern' ? PATTERN_MESSAGES[String(e.params['pattern'])] : undefined;
  return {
    field: base || where,
    message: patternMessage ?? refusalInWords(e) ?? e.message ?? 'is invalid',
  };
}

const LONE_SURROGATE = /\p{Cs}/u;

/** Why PostgreSQL could not store the string as sent, if it could not. */
function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  // UTF-8 has no encoding for half a surrogate pair: it would be stored as U+FFFD, silently.
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (an unpaired surrogate is not)';
  return null;
}

/**
 * Every input string must be text PostgreSQL stores as sent: refused here, once for every route,
 * instead of failing as a 500 (or an endlessly retried activity) or being altered further on.
 * Walked with an explicit stack, not recursion, so no nesting depth can overflow the call stack,
 * and it stops once `limit` errors are found.
 */
function unstorableTextErrors(value: unknown, where: string, limit: number): FieldError[] {
  const errors: FieldError[] = [];
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0 && errors.length < limit) {
    const [item, path] = pending.pop() as [unknown, string];
    if (typeof item === 'string') {
      const message = unstorableText(item);
      if (message) errors.push({ field: path || where, message });
    } else if (typeof item === 'object' && item !== null) {
      // Reversed so the stack yields fields in their written order.
      const entries = Object.entries(item).reverse();
      for (const [key, child] of entries) pending.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return errors;
}

/** Enough to fix a request by hand; the rest is a count, so a hostile body cannot make the answer huge. */
export const MAX_REPORTED_ERRORS = 20;

/** The first `limit` distinct errors and how many distinct errors there are, in linear time. */
function distinctErrors(errors: Iterable<FieldError>, limit: number) {
  const seen = new Set<string>();
  const listed: FieldError[] = [];
  for (const error of errors) {
    const key = `${error.field}\u0000${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (listed.length < limit) listed.push(error);
  }
  return { listed, total: seen.size };
}

/**
 * Validates (and, for query strings, coerces) a value against a schema, or throws a
 * ValidationError naming the offending fields (at most MAX_REPORTED_ERRORS of them, with the total).
 */
export function validate<S extends TSchema>(
  schema: S,
  value: unknown,
  where: InputPart = 'body',
): Static<S> {
  const fn = compile(schema);
  if (where !== 'body') value = fromQueryText(schema, value);
  const valid = fn(value);
  // One more than the report keeps, so a long list is still known to be truncated.
  const text = unstorableTextErrors(value, where, MAX_REPORTED_ERRORS + 1);
  if (valid && text.length === 0) return value as Static<S>;
  const repeated = where === 'body' ? new Set<string>() : repeatedParameters(schema, value);
  const schemaErrors = (valid ? [] : (fn.errors ?? []))
    // "must match "then" schema" says nothing the `then` schema's own error does not.
    .filter((e) => e.keyword !== 'if')
    .map((e) => toFieldError(where, e))
    .filter((error) => !repeated.has(error.field));
  const once = [...repeated].map((field) => ({ field, message: 'must be given once' }));
  const { listed, total } = distinctErrors(
    [...once, ...schemaErrors, ...text],
    MAX_REPORTED_ERRORS,
  );
  throw new ValidationError(invalidInputDetail(where), listed, total);
}
