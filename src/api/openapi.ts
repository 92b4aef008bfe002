import type { TSchema } from '@sinclair/typebox';
import { binaryContent } from '../schemas/binary';
import { commonResponses, problemExample } from './openapi-problems';
import { webhookCatalogue } from './openapi-webhooks';
import {
  API_DESCRIPTION,
  codeSamples,
  operationDescription,
  securitySchemes,
  type Json,
} from './openapi-text';
import { fullPath } from './router';
import type { ResponseSpec, Route } from './route';
import { utcDate } from '../domain/utc-date';

/** Strips TypeBox's symbol keys and `$id`s so each schema embeds cleanly in the document. */
function plain(schema: TSchema): Json {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === '$id' ? undefined : value,
  ) as Json;
}

/**
 * `validate` refuses a NUL character in every input string (PostgreSQL cannot store one); the
 * document says so with a pattern on each string it does not already constrain more tightly, and
 * beside a pattern of its own (`\\S` allows a NUL) in an `allOf`.
 */
const NO_NUL = '^[^\\u0000]*$';
function refusingNul(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema), (_, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const node = value as Json;
    if (node['type'] !== 'string') return node;
    if (['format', 'enum', 'const'].some((key) => key in node)) return node;
    if (!('pattern' in node)) return { ...node, pattern: NO_NUL };
    return {
      ...node,
      allOf: [...((node['allOf'] as Json[] | undefined) ?? []), { pattern: NO_NUL }],
    };
  }) as Json;
}

const input = (schema: TSchema) => refusingNul(plain(schema));

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
        ...(property['description'] ? { description: property['description'] } : {}),
        schema: input(property),
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
      schema: input(header.schema),
    });
  }
  return list;
}

function responseExample(route: Route, status: number, spec: ResponseSpec): unknown {
  const examples = spec.schema?.['examples'] as unknown[] | undefined;
  if (examples?.[0] !== undefined) return examples[0];
  return status >= 400 ? problemExample(route, status, spec) : undefined;
}

/** The same schema under each of a binary body's media types. */
const binaryMedia = (schema: TSchema, mediaTypes: readonly string[]): Json =>
  Object.fromEntries(mediaTypes.map((type) => [type, { schema: plain(schema) }]));

function responseContent(route: Route, status: number, spec: ResponseSpec & { schema: TSchema }) {
  const binary = binaryContent(spec.schema);
  if (binary) return binaryMedia(spec.schema, binary.mediaTypes);
  const contentType =
    spec.contentType ?? (status >= 400 ? 'application/problem+json' : 'application/json');
  const example = responseExample(route, status, spec);
  const alternatives = Object.fromEntries(
    Object.entries(spec.alternatives ?? {}).map(([type, schema]) => [
      type,
      { schema: plain(schema) },
    ]),
  );
  return {
    [contentType]: { schema: plain(spec.schema), ...(example === undefined ? {} : { example }) },
    ...alternatives,
  };
}

function responses(route: Route): Json {
  const out: Json = {};
  const statuses = { ...commonResponses(route), ...route.responses };
  for (const [status, spec] of Object.entries(statuses)) {
    const { description, schema } = spec;
    out[status] = schema
      ? { description, content: responseContent(route, Number(status), { ...spec, schema }) }
      : { description };
  }
  return out;
}

function requestBody(route: Route, body: TSchema): Json {
  const binary = binaryContent(body);
  if (binary) {
    return { required: true, content: binaryMedia(body, binary.mediaTypes) };
  }
  const example = route.example?.();
  return {
    required: true,
    content: {
      'application/json': {
        schema: input(body),
        ...(example === undefined ? {} : { example }),
      },
    },
  };
}

function security(route: Route): Json[] {
  if ('public' in route.access) return [];
  const schemes: Json[] = [{ bearerAuth: [] }];
  // A key acts as its partner, so it opens exactly the routes a partner may call.
  if (route.access.roles.includes('partner') && !route.sessionOnly) schemes.push({ apiKey: [] });
  if (route.queryCredential) schemes.push({ [`${route.queryCredential}Query`]: [] });
  return schemes;
}

export function buildOpenApiDocument(routes: readonly Route[], info: { version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const operation: Json = {
      operationId: `${route.method}${fullPath(route).replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      description: operationDescription(route),
      tags: [route.tag],
      security: security(route),
      'x-roles': 'public' in route.access ? 'public' : route.access.roles,
      parameters: parameters(route),
      responses: responses(route),
      ...codeSamples(route),
    };
    if (route.body) operation['requestBody'] = requestBody(route, route.body);
    paths[fullPath(route)] = { ...paths[fullPath(route)], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Delivery Aggregator API',
      version: info.version,
      description: API_DESCRIPTION,
    },
    components: { securitySchemes: securitySchemes(routes) },
    paths,
    webhooks: webhookCatalogue((schema) => plain(schema as TSchema)),
  };
}

/** Builds the document once per UTC day, so the dates in its examples stay in the future. */
export function builtDaily(build: () => Json): () => Json {
  let day = '';
  let document: Json | undefined;
  return () => {
    const today = utcDate(Date.now());
    if (!document || day !== today) [document, day] = [build(), today];
    return document;
  };
}
