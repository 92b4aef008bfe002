import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ValidationError, type FieldError } from '../domain/errors';

const ajv = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false });
addFormats(ajv);
const queryAjv = new Ajv({
  allErrors: true,
  coerceTypes: 'array',
  useDefaults: true,
  strict: false,
});
addFormats(queryAjv);

const compiled = new WeakMap<TSchema, ValidateFunction>();
const compiledQuery = new WeakMap<TSchema, ValidateFunction>();

function compile(schema: TSchema, forQuery: boolean): ValidateFunction {
  const cache = forQuery ? compiledQuery : compiled;
  let fn = cache.get(schema);
  if (!fn) {
    fn = (forQuery ? queryAjv : ajv).compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

function toFieldError(where: string, e: ErrorObject): FieldError {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') {
    const extra = String(e.params['additionalProperty']);
    return { field: base ? `${base}.${extra}` : extra, message: 'is not an allowed field' };
  }
  if (e.keyword === 'required') {
    const missing = String(e.params['missingProperty']);
    return { field: base ? `${base}.${missing}` : missing, message: 'is required' };
  }
  return { field: base || where, message: e.message ?? 'is invalid' };
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
 */
function unstorableTextErrors(value: unknown, path: string, where: string): FieldError[] {
  if (typeof value === 'string') {
    const message = unstorableText(value);
    return message ? [{ field: path || where, message }] : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    unstorableTextErrors(item, path ? `${path}.${key}` : key, where),
  );
}

/**
 * Validates (and, for query strings, coerces) a value against a schema, or throws a
 * ValidationError naming every offending field.
 */
export function validate<S extends TSchema>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params' = 'body',
): Static<S> {
  const fn = compile(schema, where !== 'body');
  const valid = fn(value);
  const text = unstorableTextErrors(value, '', where);
  if (valid && text.length === 0) return value as Static<S>;
  const errors = [...(valid ? [] : (fn.errors ?? [])).map((e) => toFieldError(where, e)), ...text];
  const unique = errors.filter(
    (e, i) => errors.findIndex((o) => o.field === e.field && o.message === e.message) === i,
  );
  throw new ValidationError(`The request ${where} is invalid.`, unique);
}
