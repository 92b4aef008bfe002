import { Problem } from '../schemas/common';
import { MAX_REPORTED_ERRORS } from '../schemas/validate';
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from './middleware/json-limits';
import { problemFor, type ProblemCode } from './problem';
import type { ResponseSpec, Route } from './route';

const problem = (description: string): ResponseSpec => ({ description, schema: Problem });

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

const EXAMPLE_REQUEST_ID = '6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10';

/** A problem body as the server writes it, with the response's description as its detail. */
export function problemExample(status: number, detail: string): Record<string, unknown> {
  const code = EXAMPLE_CODE[status];
  if (!code) return { status, detail };
  const body: Record<string, unknown> = { ...problemFor(code, detail) };
  if (code === 'validation') {
    body['detail'] = 'The request body is invalid.';
    body['errors'] = [{ field: 'delivery_date', message: 'must match format "date"' }];
  }
  body['request_id'] = EXAMPLE_REQUEST_ID;
  return body;
}

/**
 * The statuses the router and the middleware answer for every route of a kind, added to what
 * the route declares itself: its own description of a status wins.
 */
export function commonResponses(route: Route): Record<number, ResponseSpec> {
  const statuses: Record<number, ResponseSpec> = {};
  // The router validates every declared input, so each of them can answer 400.
  if (route.params ?? route.query ?? route.headers ?? route.body) {
    statuses[400] = problem(
      `Invalid request: \`errors\` names each field (at most ${MAX_REPORTED_ERRORS}, \`error_count\` gives the total)`,
    );
  }
  if (route.body) {
    statuses[413] = problem(
      `The request body exceeds 1 MiB, ${MAX_JSON_DEPTH} levels of nesting or ${MAX_JSON_VALUES} values`,
    );
    statuses[415] = problem(
      'The request body is not JSON, declares a charset other than UTF-8, or has a Content-Encoding other than identity',
    );
  }
  if (!('public' in route.access)) {
    statuses[401] = problem('Missing, invalid or expired token');
    statuses[403] = problem('Your role may not call this route');
    statuses[429] = problem(
      'Too many failed sign-ins from your address (an unknown API key counts as one); retry after Retry-After seconds',
    );
  }
  if (!route.root && route.path !== '/openapi.json') {
    statuses[503] = problem(
      'The database or Temporal is unreachable or busy; retry after Retry-After seconds',
    );
  }
  return statuses;
}
