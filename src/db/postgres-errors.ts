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
