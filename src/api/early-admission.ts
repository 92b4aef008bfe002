import { createHash } from 'node:crypto';
import type { AuthUser } from '../accounts/auth-user';
import type { Role } from '../domain/roles';
import type { Admission, Lane } from '../temporal/admission';

/** How long a credential's last authentication still names its caller for a refusal. */
export const RECALL_MS = 5000;
/** The most credentials remembered; the oldest go first. */
const MAX_REMEMBERED = 10_000;

const fingerprint = (authorization: string) =>
  createHash('sha256').update(authorization).digest('base64url');

/**
 * Refuses a create or change past capacity before anything else is spent on it: before its
 * caller is read from the database, its body parsed and validated. Under CPU starvation each of
 * those waits for the database and the event loop, and a refusal that waits is no longer fast.
 * The caller's share (429) needs to know who calls, so the router remembers for a few seconds
 * whom each Authorization header authenticated as; a header seen within that time is refused
 * (or let through) on that identity at once. Only a refusal rests on it: a request let through
 * is authenticated in full as before, so a deactivated account or a revoked key is still refused
 * at once. A header not seen recently is authenticated first and refused by the handler's own
 * check, before it reads anything.
 */
export class EarlyAdmission {
  private readonly recent = new Map<string, { user: AuthUser; at: number }>();

  constructor(
    private readonly admission: Admission,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Whom this header authenticated as within the last few seconds, if a role the route admits
   * (a caller the route refuses anyway gets that answer, 403, not a capacity one).
   */
  recall(authorization: string | undefined, roles: readonly Role[]): AuthUser | null {
    if (authorization === undefined) return null;
    const key = fingerprint(authorization);
    const seen = this.recent.get(key);
    if (!seen) return null;
    if (this.now() - seen.at > RECALL_MS) {
      this.recent.delete(key);
      return null;
    }
    return roles.includes(seen.user.role) ? seen.user : null;
  }

  /** Throws the refusal `admission` would give `caller` in `lane` now. */
  refuse(lane: Lane, caller: AuthUser): void {
    this.admission.assertRoom(lane, caller.id);
  }

  /** Notes whom the header authenticated as, now. */
  remember(authorization: string | undefined, user: AuthUser): void {
    if (authorization === undefined) return;
    const key = fingerprint(authorization);
    // Deleted first, so the map's order stays the order of last authentication.
    this.recent.delete(key);
    this.recent.set(key, { user, at: this.now() });
    if (this.recent.size > MAX_REMEMBERED) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
