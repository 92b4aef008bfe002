import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { problemFor } from '../problem';
import { HttpProblem } from './errors';
import { jsonLimitExceeded } from './json-limits';

const LIMIT_BYTES = 1024 * 1024;

function hasBody(ctx: Context): boolean {
  const length = ctx.get('Content-Length');
  return (length !== '' && length !== '0') || ctx.get('Transfer-Encoding') !== '';
}

/**
 * Reads a JSON request body: non-JSON → 415; over 1 MiB, too deep or too many values → 413;
 * unparsable → 400.
 * An absent body reads as `undefined` so the route's schema decides whether that is allowed.
 */
export async function readJsonBody(ctx: Context): Promise<unknown> {
  if (!hasBody(ctx)) return undefined;
  if (!ctx.is('application/json', 'application/*+json')) {
    throw new HttpProblem(
      problemFor('unsupported-media-type', 'Send the request body as application/json.'),
    );
  }
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: LIMIT_BYTES, encoding: 'utf8' });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      throw new HttpProblem(problemFor('payload-too-large', 'The request body exceeds 1 MiB.'));
    }
    throw new HttpProblem(problemFor('malformed-json', 'The request body could not be read.'));
  }
  if (text.trim() === '') return undefined;
  const exceeded = jsonLimitExceeded(text);
  if (exceeded) {
    throw new HttpProblem(problemFor('payload-too-large', `The request body ${exceeded}.`));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpProblem(problemFor('malformed-json', 'The request body is not valid JSON.'));
  }
}
