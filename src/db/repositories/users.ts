import type { Role } from '../../domain/roles';
import { UserModel } from '../models/user';

export interface User {
  id: string;
  email: string;
  role: Role;
  first_name: string;
  last_name: string;
  is_active: boolean;
  email_verified: boolean;
  created_at: string;
}

export function toUser(row: UserModel): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    first_name: row.first_name,
    last_name: row.last_name,
    is_active: row.is_active,
    email_verified: row.email_verified_at !== null,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function findUserById(id: string): Promise<UserModel | undefined> {
  return UserModel.query().findById(id);
}

export async function findUserByEmail(email: string): Promise<UserModel | undefined> {
  return UserModel.query().whereRaw('lower(email) = lower(?)', [email]).first();
}

export interface NewUser {
  email: string;
  password_hash: string;
  role: Role;
  first_name?: string;
  last_name?: string;
  is_active?: boolean;
  verified: boolean;
}

export async function insertUser(user: NewUser): Promise<UserModel> {
  const { verified, ...rest } = user;
  return UserModel.query().insertAndFetch({
    ...rest,
    email_verified_at: verified ? new Date() : null,
  });
}

/** Creates the user or, if the email exists, resets its password, role and active flag. */
export async function upsertUserByEmail(user: NewUser): Promise<UserModel> {
  const existing = await findUserByEmail(user.email);
  if (!existing) return insertUser(user);
  return existing.$query().patchAndFetch({
    password_hash: user.password_hash,
    role: user.role,
    is_active: true,
    email_verified_at: existing.email_verified_at ?? new Date(),
    updated_at: new Date(),
  });
}
