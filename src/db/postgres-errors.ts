/**
 * PostgreSQL SQLSTATE classes that no retry can fix: 22 (data exception, e.g. a value out of
 * range) and 23 (integrity constraint violation, e.g. a missing foreign key). Anything else —
 * connection loss, serialization failures, even a missing column a deployment is about to add —
 * may succeed later.
 */
const PERMANENT_CLASSES = ['22', '23'];

export function isPermanentDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && PERMANENT_CLASSES.includes(code.slice(0, 2));
}

// Socket errors of the driver, and SQLSTATEs that mean "not now": connection exceptions (08),
// too many connections, and a server shutting down or starting up.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
const UNAVAILABLE_STATES = new Set(['53300', '57P01', '57P02', '57P03']);

/**
 * The database could not be reached or had no connection to give (pool exhausted): the request
 * may succeed if retried, so it is a 503, never a 500. Objection wraps driver errors, so the
 * chain of causes is searched.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const e = current as { name?: unknown; code?: unknown; message?: unknown };
    if (e.name === 'KnexTimeoutError') return true;
    if (typeof e.code === 'string') {
      if (UNREACHABLE_CODES.has(e.code) || UNAVAILABLE_STATES.has(e.code)) return true;
      if (e.code.startsWith('08')) return true;
    }
    if (typeof e.message === 'string' && /Connection terminated/.test(e.message)) return true;
    current =
      (current as { nativeError?: unknown; cause?: unknown }).nativeError ??
      (current as { cause?: unknown }).cause;
  }
  return false;
}
