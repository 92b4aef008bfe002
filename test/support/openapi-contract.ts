import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { expect } from 'chai';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function compile(schema: Json) {
  // A fresh validator each time: the document's schemas may carry ids a shared one would refuse twice.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Whether a value is valid by a schema of the OpenAPI document. */
export const isValidBy = (schema: Json, value: unknown): boolean => compile(schema)(value);

/** Asserts that a value is valid by a schema of the OpenAPI document. */
export function expectValidBy(schema: Json, value: unknown): void {
  const validate = compile(schema);
  expect(validate(value), JSON.stringify(validate.errors)).to.equal(true);
}

/** The schema the document gives for one status of an operation (its first media type). */
export function documentedSchema(doc: Json, path: string, method: string, status: number): Json {
  const content = doc['paths'][path][method]['responses'][String(status)]['content'] as Json;
  const [media] = Object.values(content) as Json[];
  return media?.['schema'] as Json;
}

/** Asserts that a real answer matches what the document says of its operation and status. */
export function expectDocumented(
  doc: Json,
  path: string,
  method: string,
  res: { status: number; body: unknown },
): void {
  expectValidBy(documentedSchema(doc, path, method, res.status), res.body);
}
