import { UniqueViolationError } from 'objection';
import { conflict } from '../../domain/errors';
import { SANDBOX_COURIER_ID } from '../../domain/sandbox';
import type { Static } from '@sinclair/typebox';
import type { Me, UserListQuery } from '../../schemas/users';
import type { Queryable } from '../knex';
import { UserModel } from '../models/user';
import { likePattern, newestFirstPage, type Page } from '../pagination';

/** A user as the API shows them to themself (`/me`); others see it without `email_verified`. */
export type User = Static<typeof Me>;

/** The columns a user's representation is made of. */
export type UserRow = Pick<
  UserModel,
  | 'id'
  | 'email'
  | 'role'
  | 'first_name'
  | 'last_name'
  | 'is_active'
  | 'email_verified_at'
  | 'created_at'
>;

export function toUser(row: UserRow): User {
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

export async function findUserById(db: Queryable, id: string): Promise<UserModel | undefined> {
  return UserModel.query(db).findById(id);
}

/** Who a message goes to: a user's id and address. */
export interface UserAddress {
  id: string;
  email: string;
}

/**
 * A SQL expression for statements of other repositories: the addresses of the users matching
 * `condition` (over `u`), as a JSON array, read with their row instead of in a query of their own.
 */
export const userAddressesWhere = (condition: string): string =>
  `(select coalesce(json_agg(json_build_object('id', u.id, 'email', u.email)), '[]'::json)
      from users u where ${condition})`;

export async function findUsersByIds(db: Queryable, ids: readonly string[]): Promise<UserModel[]> {
  return UserModel.query(db).findByIds(ids as string[]);
}

export async function findActiveSuperAdmins(db: Queryable): Promise<UserModel[]> {
  return UserModel.query(db).where({ role: 'super_admin', is_active: true });
}

export async function findUserByEmail(
  db: Queryable,
  email: string,
): Promise<UserModel | undefined> {
  return UserModel.query(db).whereRaw('lower(email) = lower(?)', [email]).first();
}

export type NewUser = Pick<UserModel, 'email' | 'password_hash' | 'role'> &
  Partial<Pick<UserModel, 'first_name' | 'last_name' | 'is_active'>> & { verified: boolean };

const duplicateEmail = () => conflict('A user with this email address already exists.');

/** Inserts a user; an email already taken (in any letter case) is a 409 conflict. */
export async function insertUser(db: Queryable, user: NewUser): Promise<UserModel> {
  const { verified, ...rest } = user;
  try {
    return await UserModel.query(db).insertAndFetch({
      ...rest,
      email_verified_at: verified ? new Date() : null,
    });
  } catch (error) {
    if (error instanceof UniqueViolationError) throw duplicateEmail();
    throw error;
  }
}

export async function deleteUser(db: Queryable, id: string): Promise<void> {
  await UserModel.query(db).deleteById(id);
}

export type UserChanges = Partial<
  Pick<
    UserModel,
    'first_name' | 'last_name' | 'role' | 'is_active' | 'password_hash' | 'email_verified_at'
  >
>;

/** Applies the changes; undefined when no such user. */
export async function updateUser(
  db: Queryable,
  id: string,
  changes: UserChanges,
): Promise<UserModel | undefined> {
  return UserModel.query(db)
    .patchAndFetchById(id, { ...changes, updated_at: new Date() })
    .then((row) => row ?? undefined);
}

export type UserFilters = Omit<UserListQuery, 'limit' | 'cursor'>;

/** Newest first, keyset-paginated, people only; `q` matches names, full name or email, case-insensitively. */
export async function listUsers(
  db: Queryable,
  filters: UserFilters,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<User>> {
  // The sandbox's simulated courier is a system account, not a person anyone administers.
  const query = UserModel.query(db).whereNot('users.id', SANDBOX_COURIER_ID);
  if (filters.role !== undefined) query.where('users.role', filters.role);
  if (filters.is_active !== undefined) query.where('users.is_active', filters.is_active);
  if (filters.q !== undefined) {
    const pattern = likePattern(filters.q);
    query.where((w) =>
      w
        .where('users.email', 'ilike', pattern)
        .orWhere('users.first_name', 'ilike', pattern)
        .orWhere('users.last_name', 'ilike', pattern)
        .orWhereRaw("users.first_name || ' ' || users.last_name ilike ?", [pattern]),
    );
  }
  const result = await newestFirstPage(query, 'users', page);
  return { rows: result.rows.map(toUser), next_cursor: result.next_cursor };
}

/** Creates the user or, if the email exists, resets its password, role and active flag. */
export async function upsertUserByEmail(db: Queryable, user: NewUser): Promise<UserModel> {
  const existing = await findUserByEmail(db, user.email);
  if (!existing) return insertUser(db, user);
  return existing.$query(db).patchAndFetch({
    password_hash: user.password_hash,
    role: user.role,
    is_active: true,
    email_verified_at: existing.email_verified_at ?? new Date(),
    updated_at: new Date(),
  });
}
