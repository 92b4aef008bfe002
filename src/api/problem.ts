import type { DomainError, ErrorCode, FieldError } from '../domain/errors';
import { ValidationError } from '../domain/errors';

export const PROBLEM_BASE = 'https://delivery-aggregator.dev/problems/';

/** Problem codes that only the HTTP layer raises. */
export type HttpOnlyCode =
  | 'malformed-json'
  | 'payload-too-large'
  | 'route-not-found'
  | 'method-not-allowed'
  | 'malformed-request'
  | 'request-timeout'
  | 'headers-too-large'
  | 'internal';

export type ProblemCode = ErrorCode | HttpOnlyCode;

const TABLE: Record<ProblemCode, { status: number; title: string }> = {
  validation: { status: 400, title: 'Invalid request' },
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  'malformed-request': { status: 400, title: 'Malformed HTTP request' },
  'invalid-token': { status: 400, title: 'Invalid or expired link' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  'email-not-verified': { status: 403, title: 'Email address not verified' },
  'not-found': { status: 404, title: 'Not found' },
  'route-not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  conflict: { status: 409, title: 'Conflict' },
  'invalid-transition': { status: 409, title: 'Invalid status transition' },
  'offer-not-pending': { status: 409, title: 'Offer no longer open' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  unprocessable: { status: 422, title: 'Unprocessable request' },
  'idempotency-key-mismatch': { status: 422, title: 'Idempotency key reused with another payload' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'Service unavailable' },
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

export function problemFor(code: ProblemCode, detail: string): ProblemBody {
  const { status, title } = TABLE[code];
  return { type: PROBLEM_BASE + code, title, status, detail };
}

/** Context keys a domain error may expose to clients; anything else stays in the logs. */
const PUBLIC_CONTEXT = ['allowed', 'current_status', 'retry_after', 'offer_status'] as const;

export function problemFromDomainError(error: DomainError): ProblemBody {
  const body = problemFor(error.code, error.message);
  // Field errors, from validation or from a business rule about one field (422), alike.
  const errors = error.context['errors'];
  if (Array.isArray(errors)) body.errors = errors as FieldError[];
  if (error instanceof ValidationError && error.errorCount > error.errors.length) {
    body['error_count'] = error.errorCount;
  }
  for (const key of PUBLIC_CONTEXT) {
    if (error.context[key] !== undefined) body[key] = error.context[key];
  }
  return body;
}
