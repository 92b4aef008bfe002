import { Type } from '@sinclair/typebox';
import { Email, User } from './users';

export const LoginRequest = Type.Object(
  // No policy check here: a login only compares, and old passwords may predate the policy.
  { email: Email, password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

export const RefreshTokenRequest = Type.Object(
  { refresh_token: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

export const Session = Type.Object(
  {
    access_token: Type.String(),
    refresh_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
    user: User,
  },
  { additionalProperties: false },
);
