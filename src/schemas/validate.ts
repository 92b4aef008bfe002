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

/**
 * PostgreSQL cannot store U+0000 in text, so no input string may hold it: refused here, once for
 * every route, instead of failing as a 500 (or an endlessly retried activity) further on.
 */
function nulCharacterErrors(value: unknown, path: string, where: string): FieldError[] {
  if (typeof value === 'string') {
    return value.includes('\u0000')
      ? [{ field: path || where, message: 'must not contain NUL characters' }]
      : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    nulCharacterErrors(item, path ? `${path}.${key}` : key, where),
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
  const nul = nulCharacterErrors(value, '', where);
  if (valid && nul.length === 0) return value as Static<S>;
  const errors = [...(valid ? [] : (fn.errors ?? [])).map((e) => toFieldError(where, e)), ...nul];
  const unique = errors.filter(
    (e, i) => errors.findIndex((o) => o.field === e.field && o.message === e.message) === i,
  );
  throw new ValidationError(`The request ${where} is invalid.`, unique);
}
