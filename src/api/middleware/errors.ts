import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { isDatabaseUnavailable } from '../../db/postgres-errors';
import { DomainError, unavailable } from '../../domain/errors';
import type { Logger } from '../../logger';
import { problemFor, problemFromDomainError, type ProblemBody } from '../problem';

export class HttpProblem extends Error {
  constructor(readonly problem: ProblemBody) {
    super(problem.detail);
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * A 503 is worth a warning; a refusal past capacity is the admission doing its job, many per
 * second at overload, so it is logged without the stack trace it has no use for.
 */
function logUnavailable(logger: Logger, thrown: unknown, error: DomainError, requestId: string) {
  const lane = error.context['overloaded'];
  if (lane) logger.warn({ requestId, overloaded: lane }, error.message);
  else logger.warn({ err: thrown, requestId }, error.message);
}

/**
 * Registered first: gives every request an id and turns every error into problem+json.
 * Unknown errors are logged in full and answered with a generic 500.
 */
export function errorMiddleware(logger: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('X-Request-Id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state['requestId'] = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) {
          throw new HttpProblem(problemFor('route-not-found', `No route matches ${ctx.path}.`));
        }
        if (ctx.status === 405) {
          throw new HttpProblem(
            problemFor('method-not-allowed', `${ctx.method} is not allowed on ${ctx.path}.`),
          );
        }
      }
    } catch (thrown) {
      const error = isDatabaseUnavailable(thrown)
        ? unavailable('The database is unreachable or busy; retry the request.')
        : thrown;
      let problem: ProblemBody;
      if (error instanceof DomainError) {
        problem = problemFromDomainError(error);
        const retryAfter = error.context['retryAfterSeconds'];
        if (typeof retryAfter === 'number') ctx.set('Retry-After', String(retryAfter));
        if (error.code === 'unauthenticated') ctx.set('WWW-Authenticate', 'Bearer');
        if (error.code === 'unavailable') logUnavailable(logger, thrown, error, requestId);
      } else if (error instanceof HttpProblem) {
        problem = error.problem;
      } else {
        logger.error({ err: error, requestId, method: ctx.method, path: ctx.path }, 'unhandled');
        problem = problemFor('internal', 'An unexpected error occurred. Quote the request id.');
      }
      problem['request_id'] = requestId;
      ctx.status = problem.status;
      ctx.type = 'application/problem+json';
      ctx.body = problem;
    }
  };
}
