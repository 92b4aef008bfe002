import { changeUser, createAccount, findVisibleUser } from '../../accounts/users';
import { listUsers } from '../../db/repositories/users';
import { ROLES } from '../../domain/roles';
import { IdParams, Problem } from '../../schemas/common';
import {
  CreateUserRequest,
  Me,
  UpdateUserRequest,
  User,
  UserListQuery,
  UserPage,
  userBody,
} from '../../schemas/users';
import type { AppDeps } from '../deps';
import { defineRoute } from '../route';
import { API_PREFIX } from '../router';

export function userRoutes(deps: AppDeps) {
  return [
    // Before `/users/{id}` so "me" is not taken for an id.
    defineRoute({
      method: 'get',
      path: '/users/me',
      summary: 'The signed-in user',
      tag: 'users',
      access: { roles: ROLES },
      responses: { 200: { description: 'The caller', schema: Me } },
      handle: async ({ user: { account } }) => ({
        status: 200,
        body: { ...userBody(account), email_verified: account.email_verified },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      summary: 'Create an active user of any role',
      tag: 'users',
      access: { roles: ['super_admin'] },
      description: 'The user is verified from the start and signs in with this password.',
      body: CreateUserRequest,
      example: () => ({
        email: 'courier.ops@example.com',
        password: 'correct-horse-battery',
        role: 'admin' as const,
        first_name: 'Grace',
        last_name: 'Hopper',
      }),
      responses: {
        201: { description: 'Created; Location names the user', schema: User },
        409: { description: 'The email address is taken', schema: Problem },
      },
      handle: async ({ body }) => {
        const user = await createAccount(deps.db, body, { verified: true });
        return {
          status: 201,
          body: userBody(user),
          headers: { Location: `${API_PREFIX}/users/${user.id}` },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users',
      summary: 'List users, newest first, filtered by role, activity and a search text',
      tag: 'users',
      access: { roles: ['super_admin'] },
      query: UserListQuery,
      responses: { 200: { description: 'A page of users', schema: UserPage } },
      handle: async ({ query }) => {
        const { limit = 20, cursor, ...filters } = query;
        const page = await listUsers(deps.db, filters, { limit, cursor });
        return {
          status: 200,
          body: { data: page.rows.map(userBody), next_cursor: page.next_cursor },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/users/{id}',
      summary: 'A user (super admins: anyone; others: only themself)',
      tag: 'users',
      access: { roles: ROLES },
      params: IdParams,
      responses: {
        200: { description: 'The user', schema: User },
        404: { description: 'No such user, or not yours to see', schema: Problem },
      },
      handle: async ({ user, params }) => ({
        status: 200,
        body: userBody(await findVisibleUser(deps.db, user, params.id)),
      }),
    }),
    defineRoute({
      method: 'patch',
      path: '/users/{id}',
      summary: "Change a user's names, role or active flag (deactivation ends their sessions)",
      tag: 'users',
      access: { roles: ['super_admin'] },
      params: IdParams,
      description:
        'Deactivating a user ends their sessions at once; a role change applies to their next request. You cannot deactivate or demote yourself (422).',
      body: UpdateUserRequest,
      example: () => ({ first_name: 'Grace', is_active: true }),
      responses: {
        200: { description: 'The updated user', schema: User },
        404: { description: 'No such user', schema: Problem },
        422: { description: 'Deactivating or demoting yourself', schema: Problem },
      },
      handle: async ({ user, params, body }) => ({
        status: 200,
        body: userBody(await changeUser(deps.db, user, params.id, body)),
      }),
    }),
  ];
}
