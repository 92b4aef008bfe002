/**
 * The pure half of idempotency keys: RFC 8785 (JCS) canonical JSON over Unicode-NFC-normalised
 * strings, and the rule for client-supplied `Idempotency-Key` headers. Hashing lives in the API
 * (`src/deliveries/idempotency.ts`) because it needs Node's crypto.
 *
 * Strings are NFC-normalised (keys and values) so "é" typed precomposed or decomposed is one
 * request; they are not trimmed, because surrounding spaces are part of what the partner sent and
 * is stored — retries resend the same bytes, and JSON whitespace between tokens never matters.
 */
export const IDEMPOTENCY_KEY_PREFIX = 'delivery';

/**
 * 1–255 printable ASCII characters that neither start nor end with a space: HTTP strips a header
 * value's surrounding spaces, so the document's pattern must not promise keys no server receives.
 */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7e]([\\x20-\\x7e]{0,253}[\\x21-\\x7e])?$';
const HEADER_VALUE = new RegExp(IDEMPOTENCY_KEY_PATTERN);

export function isValidIdempotencyHeader(value: string): boolean {
  return HEADER_VALUE.test(value);
}

function serialize(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return JSON.stringify(value.normalize('NFC'));
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('JCS cannot encode a non-finite number');
    // ECMAScript's Number-to-String is exactly what RFC 8785 §3.2.2.3 prescribes.
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.normalize('NFC'), v] as const)
      // Default sort compares UTF-16 code units, the order RFC 8785 §3.2.3 requires.
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`;
  }
  throw new TypeError(`JCS cannot encode a ${typeof value}`);
}

/** RFC 8785 canonical JSON of a JSON value, with every string in Unicode NFC. */
export function canonicalJson(value: unknown): string {
  return serialize(value);
}

// NUL cannot occur in the prefix, a user id or canonical JSON (which escapes control characters),
// and the header rule forbids it, so joined parts never run into each other.
const SEPARATOR = '\u0000';

/** The bytes hashed into a delivery's workflow id. */
export function idempotencyKeyMaterial(
  userId: string,
  source: { payload: unknown } | { header: string },
): string {
  const last = 'header' in source ? source.header : canonicalJson(source.payload);
  return [IDEMPOTENCY_KEY_PREFIX, userId, last].join(SEPARATOR);
}
