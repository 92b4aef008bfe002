import {
  registerPartner,
  requestPasswordReset,
  resetPassword,
  verifyEmail,
} from '../../accounts/self-service';
import { Problem } from '../../schemas/common';
import {
  ForgotPasswordRequest,
  RegisterRequest,
  ResetPasswordRequest,
  VerifyEmailRequest,
} from '../../schemas/self-service';
import { Me, userBody } from '../../schemas/users';
import type { AppDeps } from '../deps';
import { problemResponse } from '../openapi-problems';
import { defineRoute } from '../route';
import { API_PREFIX } from '../router';

const invalidToken = problemResponse('Unknown, used or expired token', 'invalid-token');
// The shape of the token in an account email's link (43 base64url characters).
const EXAMPLE_ACCOUNT_TOKEN = 'q9Z2mX4vR7tY1uW8pK3sL6nB0cD5fG2hJ7kM4xV9aQe';

/** Partner self-signup, email verification and password reset: public, token-based routes. */
export function selfServiceRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'post',
      path: '/auth/register',
      summary: 'Sign up as a partner; a verification email follows',
      tag: 'auth',
      access: { public: true },
      description:
        'Creates a partner whose email address is not yet confirmed: it may sign in, but creates deliveries only after following the link in the verification email.',
      body: RegisterRequest,
      example: () => ({
        email: 'orders@corner-shop.example',
        password: 'correct-horse-battery',
        first_name: 'Ada',
        last_name: 'Lovelace',
      }),
      responses: {
        201: { description: 'Created, not yet verified; Location names the user', schema: Me },
        403: { description: 'Self-registration is disabled', schema: Problem },
        409: { description: 'The email address is taken', schema: Problem },
      },
      handle: async ({ body }) => {
        const user = await registerPartner(deps, body);
        return {
          status: 201,
          body: { ...userBody(user), email_verified: user.email_verified },
          headers: { Location: `${API_PREFIX}/users/${user.id}` },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/verify-email',
      summary: 'Confirm an email address with the token from the verification email',
      tag: 'auth',
      access: { public: true },
      body: VerifyEmailRequest,
      example: () => ({ token: EXAMPLE_ACCOUNT_TOKEN }),
      responses: { 204: { description: 'The address is verified' }, 400: invalidToken },
      handle: async ({ body }) => {
        await verifyEmail(deps, body.token);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/forgot-password',
      summary: 'Email a password-reset link, if the account exists',
      tag: 'auth',
      access: { public: true },
      description:
        'Always a 202 with no body, so the answer does not tell whether an account exists; at most one email per account per minute.',
      body: ForgotPasswordRequest,
      example: () => ({ email: 'orders@corner-shop.example' }),
      responses: { 202: { description: 'Accepted, whether or not the account exists' } },
      handle: async ({ body }) => {
        await requestPasswordReset(deps, body.email);
        return { status: 202 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/reset-password',
      summary: 'Set a new password with the token from the reset email; signs out every session',
      tag: 'auth',
      access: { public: true },
      body: ResetPasswordRequest,
      example: () => ({ token: EXAMPLE_ACCOUNT_TOKEN, password: 'a-new-long-password' }),
      responses: { 204: { description: 'The password is changed' }, 400: invalidToken },
      handle: async ({ body }) => {
        await resetPassword(deps, body.token, body.password);
        return { status: 204 };
      },
    }),
  ];
}
