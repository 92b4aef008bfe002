import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** A fixed id for examples; "Try it out" with it answers 404 until replaced by a real one. */
export const EXAMPLE_ID = '3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b';

/** The `request_id` problem examples show (the server's is the request's X-Request-Id). */
export const EXAMPLE_REQUEST_ID = '6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10';

/** A string enum that ajv reports as one `enum` error rather than a noisy anyOf. */
export const StringEnum = <T extends readonly string[]>(values: T, options: object = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options }) as TUnsafe<T[number]>;

/**
 * The canonical 8-4-4-4-12 hex form only: ajv's `uuid` format also takes a `urn:uuid:` prefix,
 * which PostgreSQL refuses (a 500 where a 400 belongs). The pattern is in the document too.
 */
export const UUID_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const Uuid = Type.String({ format: 'uuid', pattern: UUID_PATTERN });

/** Some character other than white space: an address of spaces tells a courier nothing. */
export const NOT_BLANK_PATTERN = '\\S';

/**
 * An annotation a schema puts beside a conditional rule (`if`/`then`, a field refused with
 * `not: {}`), naming the refusal in the caller's terms: "is required when the status is FAILED"
 * rather than "is required". Ajv ignores it; the document shows it as an extension.
 */
export const REFUSAL = 'x-refusal';

/** A notification stream's event id, as `Last-Event-ID` or `last_event_id` brings it back. */
export const STREAM_POSITION_PATTERN = '^[0-9]{1,15}$';
export const STREAM_POSITION_REFUSAL = 'must be an event id this stream sent';

/** YYYY-MM-DD that PostgreSQL can store: RFC 3339 allows year 0000, which a `date` column refuses. */
export const CalendarDate = (options: object = {}) =>
  Type.String({ format: 'date', formatMinimum: '0001-01-01', ...options });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    request_id: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
    ),
    error_count: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'How many errors there are in all, when `errors` lists only the first few',
      }),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
};

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
