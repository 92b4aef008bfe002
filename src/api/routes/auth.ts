import { dummyPasswordHash } from '../../accounts/passwords';
import { login, logout, refresh, type Session } from '../../accounts/sessions';
import { Problem } from '../../schemas/common';
import { LoginRequest, RefreshTokenRequest, Session as SessionSchema } from '../../schemas/auth';
import { userBody } from '../../schemas/users';
import type { AppDeps } from '../deps';
import { defineRoute } from '../route';

// The shape of a refresh token; one from a real login replaces it in "Try it out".
const EXAMPLE_REFRESH_TOKEN = 'Qm9vayBhIGRlbGl2ZXJ5IGZvciB0b21vcnJvdyBtb3JuaW5n';

const sessionBody = (session: Session) => ({ ...session, user: userBody(session.user) });

export function authRoutes(deps: AppDeps) {
  // Hash the decoy now, so the first login with an unknown email is not slower than the rest.
  void dummyPasswordHash();
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with email and password',
      tag: 'auth',
      access: { public: true },
      description:
        'Answers an access token (`access_token`, for the Authorize button or `Authorization: Bearer …`) and a refresh token. A wrong email, a wrong password and an inactive account are one and the same 401; repeated failures are a 429 with Retry-After.',
      body: LoginRequest,
      example: () => ({ email: 'shop@example.com', password: 'correct-horse-battery' }),
      responses: {
        200: { description: 'Signed in: an access and a refresh token', schema: SessionSchema },
        401: { description: 'Wrong email or password, or account inactive', schema: Problem },
        429: { description: 'Too many failed attempts; see Retry-After', schema: Problem },
      },
      handle: async ({ body, ctx }) => ({
        status: 200,
        body: sessionBody(await login(deps, body, ctx.ip)),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/refresh',
      summary: 'Exchange a refresh token for a new pair (the old one is spent)',
      tag: 'auth',
      access: { public: true },
      description:
        'Each refresh token works once: presenting a spent one again ends the whole session, as it means the token was copied.',
      body: RefreshTokenRequest,
      example: () => ({ refresh_token: EXAMPLE_REFRESH_TOKEN }),
      responses: {
        200: { description: 'A new access and refresh token', schema: SessionSchema },
        401: { description: 'Invalid, expired, revoked or reused refresh token', schema: Problem },
      },
      handle: async ({ body }) => ({
        status: 200,
        body: sessionBody(await refresh(deps, body.refresh_token)),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'Revoke a refresh token and its session',
      tag: 'auth',
      access: { public: true },
      body: RefreshTokenRequest,
      example: () => ({ refresh_token: EXAMPLE_REFRESH_TOKEN }),
      responses: { 204: { description: 'Signed out (also for unknown tokens)' } },
      handle: async ({ body }) => {
        await logout(deps.db, body.refresh_token);
        return { status: 204 };
      },
    }),
  ];
}
