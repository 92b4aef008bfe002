import { Type, type Static } from '@sinclair/typebox';
import { MIN_PASSWORD_LENGTH } from '../domain/password-policy';
import { ROLES } from '../domain/roles';
import { Page, PageQuery, StringEnum, Uuid } from './common';

export const Email = Type.String({ format: 'email', maxLength: 254 });
// argon2 cost grows with input; the cap keeps a login from being a denial of service.
export const Password = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256 });
const Name = Type.String({ minLength: 1, maxLength: 100 });
export const RoleSchema = StringEnum(ROLES);

const userFields = {
  id: Uuid,
  email: Type.String(),
  role: RoleSchema,
  first_name: Type.String(),
  last_name: Type.String(),
  is_active: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
};

export const User = Type.Object(userFields, { additionalProperties: false });
export type UserBody = Static<typeof User>;

/** The caller's own account, which also says whether the email address is confirmed. */
export const Me = Type.Object(
  { ...userFields, email_verified: Type.Boolean() },
  { additionalProperties: false },
);

export const CreateUserRequest = Type.Object(
  { email: Email, password: Password, role: RoleSchema, first_name: Name, last_name: Name },
  { additionalProperties: false },
);

export const UpdateUserRequest = Type.Object(
  {
    first_name: Type.Optional(Name),
    last_name: Type.Optional(Name),
    role: Type.Optional(RoleSchema),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UserListQuery = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    is_active: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const UserPage = Page(User);
export type UserListQuery = Static<typeof UserListQuery>;

export function userBody(user: Static<typeof Me>): UserBody {
  const { id, email, role, first_name, last_name, is_active, created_at } = user;
  return { id, email, role, first_name, last_name, is_active, created_at };
}
