/**
 * Domain errors carry a stable code and know nothing of HTTP; `api/problem.ts` maps them.
 * The same code is used as the `type` of ApplicationFailures thrown by activities and workflows.
 */
export type ErrorCode =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid-transition'
  | 'offer-not-pending'
  | 'unprocessable'
  | 'unsupported-media-type'
  | 'idempotency-key-mismatch'
  | 'rate-limited'
  | 'unavailable'
  | 'email-not-verified'
  | 'invalid-token';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class ValidationError extends DomainError {
  /** `errors` may be the first few of many: `errorCount` says how many there are in all. */
  constructor(
    message: string,
    readonly errors: FieldError[],
    readonly errorCount: number = errors.length,
  ) {
    super('validation', message, { errors, error_count: errorCount });
  }
}

export const unauthenticated = (message = 'A valid bearer token is required.') =>
  new DomainError('unauthenticated', message);
export const forbidden = (message = 'Your role does not allow this action.') =>
  new DomainError('forbidden', message);
export const notFound = (what: string) => new DomainError('not-found', `${what} was not found.`);
export const conflict = (message: string, context: Record<string, unknown> = {}) =>
  new DomainError('conflict', message, context);
/** A business rule refused the request; `fieldError` names the field it is about, if one is. */
export const unprocessable = (message: string, fieldError?: FieldError) =>
  new DomainError('unprocessable', message, fieldError ? { errors: [fieldError] } : {});
/** The body's declared media type is one this operation does not take. */
export const unsupportedMediaType = (message: string) =>
  new DomainError('unsupported-media-type', message);
export const unavailable = (message: string, retryAfterSeconds = 5) =>
  new DomainError('unavailable', message, { retryAfterSeconds });
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainError('rate-limited', message, { retryAfterSeconds });
