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
 * Validates (and, for query strings, coerces) a value against a schema, or throws a
 * ValidationError naming every offending field.
 */
export function validate<S extends TSchema>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params' = 'body',
): Static<S> {
  const fn = compile(schema, where !== 'body');
  if (fn(value)) return value as Static<S>;
  const errors = (fn.errors ?? []).map((e) => toFieldError(where, e));
  const unique = errors.filter(
    (e, i) => errors.findIndex((o) => o.field === e.field && o.message === e.message) === i,
  );
  throw new ValidationError(`The request ${where} is invalid.`, unique);
}
