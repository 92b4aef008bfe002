import { Type } from '@sinclair/typebox';
import { Email, Password } from './users';

const Name = Type.String({ minLength: 1, maxLength: 100 });
// Account tokens are 43 base64url characters; anything longer is not one of ours.
const AccountToken = Type.String({ minLength: 1, maxLength: 128 });

export const RegisterRequest = Type.Object(
  { email: Email, password: Password, first_name: Name, last_name: Name },
  { additionalProperties: false },
);

export const ForgotPasswordRequest = Type.Object({ email: Email }, { additionalProperties: false });

export const ResetPasswordRequest = Type.Object(
  { token: AccountToken, password: Password },
  { additionalProperties: false },
);

export const VerifyEmailRequest = Type.Object(
  { token: AccountToken },
  { additionalProperties: false },
);
