import type { Context } from 'koa';
import { problemFor } from '../problem';
import { HttpProblem } from './errors';
import { DEFAULT_JSON_LIMITS, jsonLimitExceeded, type JsonLimits } from './json-limits';
import { assertIdentityEncoding, hasBody, readBoundedBody, unsupported } from './request-body';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** JSON, in UTF-8 (RFC 8259), uncompressed: anything else is refused, never guessed at. */
function assertPlainJson(ctx: Context): void {
  if (!ctx.is('application/json', 'application/*+json')) {
    throw unsupported('Send the request body as application/json.');
  }
  const charset = ctx.request.charset.toLowerCase();
  if (charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
    throw unsupported(`The charset ${charset} is not supported; send the body as UTF-8.`);
  }
  assertIdentityEncoding(ctx);
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    // Replacing the bytes with U+FFFD would store text the client never sent.
    const problem = problemFor('malformed-json', 'The request body is not valid UTF-8.');
    problem.errors = [{ field: 'body', message: 'must be valid UTF-8' }];
    throw new HttpProblem(problem);
  }
}

/**
 * Reads a JSON request body, exactly as sent or not at all: not JSON, another charset or a
 * content encoding → 415; over its bytes (1 MiB unless the route allows more), too deep or too
 * many values → 413; not UTF-8 or unparsable → 400. An absent body reads as `undefined` so the route's schema decides whether that is allowed.
 */
export async function readJsonBody(
  ctx: Context,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): Promise<unknown> {
  if (!hasBody(ctx)) return undefined;
  assertPlainJson(ctx);
  const text = decodeUtf8(await readBoundedBody(ctx, limits.bytes, 'malformed-json'));
  if (text.trim() === '') return undefined;
  const exceeded = jsonLimitExceeded(text, limits.values);
  if (exceeded) {
    throw new HttpProblem(problemFor('payload-too-large', `The request body ${exceeded}.`));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpProblem(problemFor('malformed-json', 'The request body is not valid JSON.'));
  }
}
