import { createApiKey, listVisibleApiKeys, revokeVisibleApiKey } from '../../accounts/api-keys';
import {
  ApiKeyListQuery,
  ApiKeyPage,
  CreateApiKeyRequest,
  CreatedApiKey,
} from '../../schemas/api-keys';
import { IdParams, Problem } from '../../schemas/common';
import type { AppDeps } from '../deps';
import { defineRoute } from '../route';
import { instantInDays } from '../examples';

/** Managing keys takes a signed-in user (`sessionOnly`): a key cannot mint or revoke keys. */
export function apiKeyRoutes({ db }: AppDeps) {
  return [
    defineRoute({
      method: 'post',
      path: '/api-keys',
      summary: 'Create an API key for your integration; the secret is shown only in this answer',
      tag: 'api-keys',
      curl: 'curl -X POST "$API/api-keys" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\\n  -d \'{"name": "Shop staging", "sandbox": true}\'',
      access: { roles: ['partner'] },
      sessionOnly: true,
      description:
        "For a shop's backend, instead of a person's password: send the returned `key` as `Authorization: Bearer <key>`. Store it as a secret; only its hash is kept, so it cannot be shown again. Managing keys takes a signed-in user (a key cannot create keys).",
      body: CreateApiKeyRequest,
      example: () => ({ name: 'Shop backend', expires_at: instantInDays(365) }),
      responses: {
        201: { description: 'Created; `key` is shown only now', schema: CreatedApiKey },
        403: { description: 'Not a partner, or called with an API key', schema: Problem },
      },
      handle: async ({ body, user }) => ({ status: 201, body: await createApiKey(db, user, body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api-keys',
      summary: "List API keys, newest first (partners: their own; super admins: any partner's)",
      tag: 'api-keys',
      curl: 'curl "$API/api-keys" -H "Authorization: Bearer $TOKEN"',
      access: { roles: ['partner', 'super_admin'] },
      sessionOnly: true,
      query: ApiKeyListQuery,
      responses: {
        200: { description: 'A page of keys, without their secrets', schema: ApiKeyPage },
        403: { description: 'Role not allowed, or called with an API key', schema: Problem },
      },
      handle: async ({ query, user }) => {
        const page = await listVisibleApiKeys(db, user, { ...query, limit: query.limit ?? 20 });
        return { status: 200, body: { data: page.rows, next_cursor: page.next_cursor } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api-keys/{id}',
      summary: 'Revoke an API key (partners: their own; super admins: any); effective at once',
      tag: 'api-keys',
      curl: 'curl -X DELETE "$API/api-keys/$KEY_ID" -H "Authorization: Bearer $TOKEN"',
      access: { roles: ['partner', 'super_admin'] },
      sessionOnly: true,
      params: IdParams,
      responses: {
        204: { description: 'Revoked (also when it already was)' },
        403: { description: 'Role not allowed, or called with an API key', schema: Problem },
        404: { description: 'No such key, or not yours', schema: Problem },
      },
      handle: async ({ params, user }) => {
        await revokeVisibleApiKey(db, user, params.id);
        return { status: 204 };
      },
    }),
  ];
}
