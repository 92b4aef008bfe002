import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** What the router and the document need to know of a body that is bytes, not JSON. */
export interface BinaryContent {
  /** The media types taken or answered, e.g. `image/jpeg`. */
  mediaTypes: readonly [string, ...string[]];
  /** The most a request body may hold (413 beyond); absent for a response. */
  maxBytes?: number;
}

// A symbol: the document is the schema's JSON, in which symbol keys do not appear.
const BINARY = Symbol('binary content');

/**
 * Bytes of one of `mediaTypes`, as OpenAPI describes them (`type: string, format: binary` under
 * each media type). As a route's `body` the router reads it as a Buffer of at most `maxBytes`
 * instead of parsing JSON; as a response's `schema` the document lists each media type.
 */
export function Binary(
  content: BinaryContent,
  options: { description?: string } = {},
): TUnsafe<Buffer> {
  return Type.Unsafe<Buffer>({ type: 'string', format: 'binary', ...options, [BINARY]: content });
}

/** The binary content a schema describes, or undefined for a JSON schema. */
export function binaryContent(schema: TSchema | undefined): BinaryContent | undefined {
  return (schema as { [BINARY]?: BinaryContent } | undefined)?.[BINARY];
}
