import { expect } from 'chai';
import type { AuthUser } from '../../src/accounts/auth-user';
import { EarlyAdmission, RECALL_MS } from '../../src/api/early-admission';
import type { Role } from '../../src/domain/roles';
import { DomainError } from '../../src/domain/errors';
import { Admission } from '../../src/temporal/admission';

/** An admission whose change lane one caller has filled, on a clock the test moves. */
function fullChangeLane() {
  const clock = { now: 0 };
  const admission = new Admission(
    { targetMs: 100, minInFlight: 1, maxInFlight: 2, createBacklogLimit: 0, callerShare: 0.5 },
    null,
    () => clock.now,
  );
  const holding = admission.lanes.change;
  holding.tryAcquire('boss');
  return { admission, early: new EarlyAdmission(admission, () => clock.now), clock };
}

/** A caller as authentication would have found them (the account is not read here). */
const caller = (id: string, role: Role) => ({ id, role }) as AuthUser;

/** Refuses, on the caller the header recently was, the way the router does. */
function refuseEarly(early: EarlyAdmission, header: string | undefined, roles: readonly Role[]) {
  const recent = early.recall(header, roles);
  if (recent) early.refuse('change', recent);
}

const refusalOf = (refuse: () => void): DomainError | null => {
  try {
    refuse();
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
};

describe('early admission: refusing on the caller a header recently authenticated as', () => {
  const header = 'Bearer token-of-the-boss';

  it('when the header authenticated a caller holding its share, then the next request is refused 429 before anything else', () => {
    const { early } = fullChangeLane();
    early.remember(header, caller('boss', 'super_admin'));
    const refusal = refusalOf(() => refuseEarly(early, header, ['super_admin']));
    expect(refusal?.code).to.equal('rate-limited');
  });

  it('when the header was never authenticated, then nothing is refused early (the handler decides after authentication)', () => {
    const { early } = fullChangeLane();
    expect(refusalOf(() => refuseEarly(early, header, ['super_admin']))).to.equal(null);
    expect(refusalOf(() => refuseEarly(early, undefined, ['super_admin']))).to.equal(null);
  });

  it('when the last authentication is older than the recall time, then it is forgotten', () => {
    const { early, clock } = fullChangeLane();
    early.remember(header, caller('boss', 'super_admin'));
    clock.now += RECALL_MS + 1;
    expect(refusalOf(() => refuseEarly(early, header, ['super_admin']))).to.equal(null);
  });

  it('when the remembered role may not call the route, then the route answers (403), not the capacity', () => {
    const { early } = fullChangeLane();
    early.remember(header, caller('boss', 'super_admin'));
    expect(refusalOf(() => refuseEarly(early, header, ['admin']))).to.equal(null);
  });

  it('when the lane is full for everyone, then another recent caller is refused 503 with Retry-After', () => {
    const { admission, early } = fullChangeLane();
    admission.lanes.change.tryAcquire('other');
    early.remember('Bearer third', caller('third', 'admin'));
    const refusal = refusalOf(() => refuseEarly(early, 'Bearer third', ['admin']));
    expect(refusal?.code).to.equal('unavailable');
    expect(refusal?.context['retryAfterSeconds']).to.equal(1);
  });

  it('when the lane has room, then a recent caller under its share passes', () => {
    const { early } = fullChangeLane();
    early.remember('Bearer third', caller('third', 'admin'));
    expect(refusalOf(() => refuseEarly(early, 'Bearer third', ['admin']))).to.equal(null);
  });
});
