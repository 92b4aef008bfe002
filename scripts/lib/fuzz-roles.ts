/**
 * The roles `FUZZ_ROLES` selects from `all`, in `all`'s order. A name that is not a role, or a
 * selection of none, is an error before anything runs: a typo must not fuzz nothing and report
 * "no failures".
 */
export function selectFuzzRoles<R extends string>(
  all: readonly R[],
  requested: string | undefined,
): R[] {
  if (requested === undefined) return [...all];
  const names = requested
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const known = `known roles: ${all.join(', ')}`;
  const unknown = names.filter((name) => !(all as readonly string[]).includes(name));
  if (unknown.length > 0) {
    const quoted = unknown.map((name) => JSON.stringify(name)).join(', ');
    throw new Error(`FUZZ_ROLES names no such role: ${quoted} (${known})`);
  }
  if (names.length === 0) {
    throw new Error(`FUZZ_ROLES=${JSON.stringify(requested)} selects no role (${known})`);
  }
  return all.filter((role) => names.includes(role));
}
