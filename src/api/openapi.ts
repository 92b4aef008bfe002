import type { TSchema } from '@sinclair/typebox';
import { API_KEY_PREFIX } from '../accounts/api-keys';
import { Problem } from '../schemas/common';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from './middleware/json-limits';
import { fullPath } from './router';
import type { Route } from './route';

type Json = Record<string, unknown>;

/** Strips TypeBox's symbol keys and `$id`s so each schema embeds cleanly in the document. */
function plain(schema: TSchema): Json {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === '$id' ? undefined : value,
  ) as Json;
}

function parameters(route: Route): Json[] {
  const list: Json[] = [];
  const add = (where: 'path' | 'query', schema: TSchema | undefined) => {
    const properties = (schema?.['properties'] ?? {}) as Record<string, TSchema>;
    const required = (schema?.['required'] ?? []) as string[];
    for (const [name, property] of Object.entries(properties)) {
      list.push({
        name,
        in: where,
        required: where === 'path' || required.includes(name),
        schema: plain(property),
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  for (const [name, header] of Object.entries(route.headers ?? {})) {
    list.push({
      name,
      in: 'header',
      required: header.required ?? false,
      description: header.description,
      schema: plain(header.schema),
    });
  }
  return list;
}

function responses(route: Route): Json {
  const out: Json = {};
  const statuses = { ...route.responses };
  // The router validates every declared input, so each of them can answer 400.
  if (route.params ?? route.query ?? route.headers ?? route.body) {
    statuses[400] ??= { description: 'Invalid request', schema: Problem };
  }
  if (route.body) {
    statuses[413] ??= {
      description: `The request body exceeds 1 MiB, ${MAX_JSON_DEPTH} levels of nesting or ${MAX_JSON_VALUES} values`,
      schema: Problem,
    };
    statuses[415] ??= {
      description:
        'The request body is not JSON, declares a charset other than UTF-8, or has a Content-Encoding other than identity',
      schema: Problem,
    };
  }
  if (!('public' in route.access)) {
    statuses[401] ??= { description: 'Missing, invalid or expired token', schema: Problem };
    statuses[403] ??= { description: 'Role not allowed', schema: Problem };
  }
  for (const [status, spec] of Object.entries(statuses)) {
    const contentType =
      spec.contentType ?? (Number(status) >= 400 ? 'application/problem+json' : 'application/json');
    out[status] = spec.schema
      ? {
          description: spec.description,
          content: { [contentType]: { schema: plain(spec.schema) } },
        }
      : { description: spec.description };
  }
  return out;
}

function security(route: Route): Json[] {
  if ('public' in route.access) return [];
  const schemes: Json[] = [{ bearerAuth: [] }];
  // A key acts as its partner, so it opens exactly the routes a partner may call.
  if (route.access.roles.includes('partner') && !route.sessionOnly) schemes.push({ apiKey: [] });
  if (route.queryCredential) schemes.push({ [`${route.queryCredential}Query`]: [] });
  return schemes;
}

/** Query credentials are API keys in the query string as far as OpenAPI is concerned. */
function querySchemes(routes: readonly Route[]): Json {
  const schemes: Json = {};
  for (const { queryCredential } of routes) {
    if (!queryCredential) continue;
    schemes[`${queryCredential}Query`] = { type: 'apiKey', in: 'query', name: queryCredential };
  }
  return schemes;
}

export function buildOpenApiDocument(routes: readonly Route[], info: { version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const operation: Json = {
      operationId: `${route.method}${fullPath(route).replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      tags: [route.tag],
      security: security(route),
      'x-roles': 'public' in route.access ? 'public' : route.access.roles,
      parameters: parameters(route),
      responses: responses(route),
    };
    if (route.body) {
      operation['requestBody'] = {
        required: true,
        content: { 'application/json': { schema: plain(route.body) } },
      };
    }
    paths[fullPath(route)] = { ...paths[fullPath(route)], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Delivery Aggregator API',
      version: info.version,
      description:
        'Partners request deliveries; super admins assign them; admins move them through their lifecycle. Errors are RFC 9457 problem+json.',
    },
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: `${API_KEY_PREFIX}…`,
          description: `A partner's API key (\`${API_KEY_PREFIX}\` + 32 base62 characters) from \`POST /api-keys\`, sent as \`Authorization: Bearer <key>\`. It acts as its partner with a partner's rights only; revoked, expired or deactivated-partner keys are a 401; unknown keys count as failed sign-ins of the client address (429 + Retry-After).`,
        },
        ...querySchemes(routes),
      },
    },
    paths,
  };
}
