import { binaryContent } from '../schemas/binary';
import { EXAMPLE_REQUEST_ID, Problem } from '../schemas/common';
import { invalidInputDetail, MAX_REPORTED_ERRORS } from '../schemas/validate';
import { formatInWords } from '../schemas/refusal-words';
import { DEFAULT_JSON_LIMITS, MAX_JSON_DEPTH } from './middleware/json-limits';
import { inMebibytes } from './middleware/request-body';
import { problemFor, type ProblemCode } from './problem';
import type { ResponseSpec, Route } from './route';

/** A problem response; `code` when the status alone does not say which problem it is. */
export const problemResponse = (description: string, code?: ProblemCode): ResponseSpec => ({
  description,
  schema: Problem,
  ...(code ? { code } : {}),
});

/** The problem type each status most often carries, for the examples Swagger UI shows. */
const EXAMPLE_CODE: Record<number, ProblemCode> = {
  400: 'validation',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
  503: 'unavailable',
};

/** How the validator words a refused value of this field's schema. */
function refusal(field: Record<string, unknown> | undefined): string {
  if (typeof field?.['format'] === 'string') return formatInWords(field['format']);
  if (Array.isArray(field?.['enum'])) return `must be one of: ${field['enum'].join(', ')}`;
  return 'is invalid';
}

/**
 * The first input the router validates that has fields, and what it would say of one of them: a
 * body's first required field missing, or else the first field's value refused.
 */
function invalidInput(route: Route) {
  const inputs = [
    ['params', route.params],
    ['query', route.query],
    ['body', route.body],
  ] as const;
  for (const [where, schema] of inputs) {
    const properties = (schema?.['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    const [first] = Object.keys(properties);
    if (!first) continue;
    const required =
      where === 'body' ? (schema?.['required'] as string[] | undefined)?.[0] : undefined;
    const error = required
      ? { field: required, message: 'is required' }
      : { field: first, message: refusal(properties[first]) };
    return { detail: invalidInputDetail(where), errors: [error] };
  }
  return undefined;
}

/** A problem body as the server writes it for this route, with the response's description as its detail. */
export function problemExample(
  route: Route,
  status: number,
  spec: ResponseSpec,
): Record<string, unknown> {
  const code = spec.code ?? EXAMPLE_CODE[status];
  if (!code) return { status, detail: spec.description };
  const body: Record<string, unknown> = { ...problemFor(code, spec.description) };
  if (code === 'validation') Object.assign(body, invalidInput(route));
  body['request_id'] = EXAMPLE_REQUEST_ID;
  return body;
}

/**
 * The statuses the router and the middleware answer for every route of a kind, added to what
 * the route declares itself: its own description of a status wins.
 */
export function commonResponses(route: Route): Record<number, ResponseSpec> {
  const statuses: Record<number, ResponseSpec> = {};
  // The router validates every declared input, so each of them can answer 400 (path parameters
  // only when the route does not answer their refusal itself).
  const params = route.invalidParams ? undefined : route.params;
  if (params ?? route.query ?? route.headers ?? route.body) {
    statuses[400] = problemResponse(
      `Invalid request: \`errors\` names each field (at most ${MAX_REPORTED_ERRORS}, \`error_count\` gives the total)`,
    );
  }
  const binary = binaryContent(route.body);
  if (binary) {
    statuses[413] = problemResponse(
      `The request body exceeds ${inMebibytes(binary.maxBytes ?? 0)}`,
    );
    statuses[415] = problemResponse(
      `The Content-Type is not one of ${binary.mediaTypes.join(', ')}, or the body has a Content-Encoding other than identity`,
    );
  } else if (route.body) {
    const limits = route.jsonLimits ?? DEFAULT_JSON_LIMITS;
    statuses[413] = problemResponse(
      `The request body exceeds ${inMebibytes(limits.bytes)}, ${MAX_JSON_DEPTH} levels of nesting or ${limits.values} values`,
    );
    statuses[415] = problemResponse(
      'The request body is not JSON, declares a charset other than UTF-8, or has a Content-Encoding other than identity',
    );
  }
  if (!('public' in route.access)) {
    statuses[401] = problemResponse('Missing, invalid or expired token');
    statuses[403] = problemResponse('Your role may not call this route');
    const partnerLimits = route.access.roles.includes('partner')
      ? ', or a partner over its `per-key` or `per-partner` request limit (the `RateLimit` header says which)'
      : '';
    statuses[429] = problemResponse(
      `Too many failed sign-ins from your address (an unknown API key counts as one)${partnerLimits}, or, creating or changing a delivery, you already have your share of the platform's capacity in flight; retry after Retry-After seconds`,
    );
  }
  if (!route.root && route.path !== '/openapi.json') {
    statuses[503] = problemResponse(
      'The database or Temporal is unreachable or busy, or the platform is at capacity; retry after Retry-After seconds',
    );
  }
  return statuses;
}
