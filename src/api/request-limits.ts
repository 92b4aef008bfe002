import type { Context } from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthUser } from '../accounts/auth-user';
import type { Config } from '../config';
import { rateLimited } from '../domain/errors';

/** The policies' names as the `RateLimit-Policy` and `RateLimit` headers say them. */
export const RATE_LIMIT_POLICIES = ['per-key', 'per-partner'] as const;
type PolicyName = (typeof RATE_LIMIT_POLICIES)[number];

export interface RequestLimits {
  perKey: number;
  perPartner: number;
  windowSeconds: number;
}

export function requestLimitsFrom(config: Config): RequestLimits {
  return {
    perKey: config.RATE_LIMIT_PER_KEY,
    perPartner: config.RATE_LIMIT_PER_PARTNER,
    windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
  };
}

/** Runs once the caller is known; sets the headers, or throws the 429 (with Retry-After). */
export type LimitRequest = (ctx: Context, user: AuthUser) => Promise<void>;

interface Policy {
  name: PolicyName;
  quota: number;
  limiter: RateLimiterMemory;
  /** Whose count the request adds to, or null when the policy does not apply to it. */
  keyOf: (user: AuthUser) => string | null;
}

interface Spent {
  policy: Policy;
  state: RateLimiterRes;
  refused: boolean;
}

const secondsLeft = (state: RateLimiterRes) => Math.max(1, Math.ceil(state.msBeforeNext / 1000));

/** draft-ietf-httpapi-ratelimit-headers: a structured-field list item per policy. */
function headersFor(spent: Spent[], windowSeconds: number): Record<string, string> {
  return {
    'RateLimit-Policy': spent
      .map(({ policy }) => `"${policy.name}";q=${policy.quota};w=${windowSeconds}`)
      .join(', '),
    RateLimit: spent
      .map(
        ({ policy, state }) =>
          `"${policy.name}";r=${state.remainingPoints};t=${secondsLeft(state)}`,
      )
      .join(', '),
  };
}

async function spend(policy: Policy, key: string): Promise<Spent> {
  try {
    return { policy, state: await policy.limiter.consume(key), refused: false };
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    return { policy, state: refusal, refused: true };
  }
}

/**
 * Fixed windows per API key and per partner, counted in this process's memory: a partner's
 * requests through any key or session add to `per-partner`, those through a key also to
 * `per-key`. Admins and super admins run the platform and are not limited.
 */
export function createRequestLimiter(limits: RequestLimits): LimitRequest {
  const policy = (name: PolicyName, quota: number, keyOf: Policy['keyOf']): Policy => ({
    name,
    quota,
    keyOf,
    limiter: new RateLimiterMemory({ points: quota, duration: limits.windowSeconds }),
  });
  const policies: Policy[] = [
    policy('per-key', limits.perKey, (user) => user.apiKey?.id ?? null),
    policy('per-partner', limits.perPartner, (user) => user.id),
  ];
  return async (ctx, user) => {
    switch (user.role) {
      case 'admin':
      case 'super_admin':
        return;
      case 'partner':
        break;
      default: {
        const unknown: never = user.role;
        throw new Error(`Unknown role ${String(unknown)}`);
      }
    }
    const spent: Spent[] = [];
    for (const p of policies) {
      const key = p.keyOf(user);
      if (key !== null) spent.push(await spend(p, key));
    }
    ctx.set(headersFor(spent, limits.windowSeconds));
    const refused = spent.filter((s) => s.refused);
    if (refused.length > 0) {
      const names = refused.map((s) => s.policy.name).join(', ');
      throw rateLimited(
        `Too many requests (${names} limit); retry after the Retry-After seconds.`,
        Math.max(...refused.map((s) => secondsLeft(s.state))),
      );
    }
  };
}
