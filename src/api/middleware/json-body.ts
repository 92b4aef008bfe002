import getRawBody from 'raw-body';
import type { Context } from 'koa';
import type { IncomingMessage } from 'node:http';
import { problemFor } from '../problem';
import { HttpProblem } from './errors';
import { jsonLimitExceeded } from './json-limits';

const LIMIT_BYTES = 1024 * 1024;
/**
 * How much of an oversized body is read and thrown away before the 413 is sent. Answering while
 * the client still sends, then closing, resets the connection: the client may never see the 413
 * and the rest of the body would be read as the next request. Beyond this, the 413 closes.
 */
const DRAIN_LIMIT_BYTES = 16 * LIMIT_BYTES;
const DRAIN_TIMEOUT_MS = 5000;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function hasBody(ctx: Context): boolean {
  const length = ctx.get('Content-Length');
  return (length !== '' && length !== '0') || ctx.get('Transfer-Encoding') !== '';
}

const unsupported = (detail: string) =>
  new HttpProblem(problemFor('unsupported-media-type', detail));

/** JSON, in UTF-8 (RFC 8259), uncompressed: anything else is refused, never guessed at. */
function assertPlainJson(ctx: Context): void {
  if (!ctx.is('application/json', 'application/*+json')) {
    throw unsupported('Send the request body as application/json.');
  }
  const charset = ctx.request.charset.toLowerCase();
  if (charset !== '' && charset !== 'utf-8' && charset !== 'utf8') {
    throw unsupported(`The charset ${charset} is not supported; send the body as UTF-8.`);
  }
  const encoding = ctx.get('Content-Encoding').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    ctx.set('Accept-Encoding', 'identity');
    throw unsupported(
      `The Content-Encoding ${encoding} is not supported; send the body uncompressed.`,
    );
  }
}

/** Reads and discards the rest of a request; true when it ended within the limits. */
function drain(req: IncomingMessage, alreadyRead: number): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let read = alreadyRead;
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onFail).off('close', onClose);
      if (!ended) req.pause();
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      if (read > DRAIN_LIMIT_BYTES) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(false);
    const onClose = () => finish(req.complete);
    const timer = setTimeout(onFail, DRAIN_TIMEOUT_MS);
    req.on('data', onData).on('end', onEnd).on('error', onFail).on('close', onClose);
    req.resume();
  });
}

async function tooLarge(ctx: Context, received: number): Promise<HttpProblem> {
  const declared = Number(ctx.get('Content-Length') || 0);
  const drained = declared <= DRAIN_LIMIT_BYTES && (await drain(ctx.req, received));
  // Unread bytes would be taken for the next request: that connection cannot be reused.
  if (!drained) ctx.set('Connection', 'close');
  return new HttpProblem(problemFor('payload-too-large', 'The request body exceeds 1 MiB.'));
}

async function readBytes(ctx: Context): Promise<Buffer> {
  try {
    // With the declared length, a body announced as too large is refused before any of it is read.
    const length = ctx.get('Content-Length') || undefined;
    return await getRawBody(ctx.req, { limit: LIMIT_BYTES, length });
  } catch (error) {
    const { type, received } = error as { type?: string; received?: number };
    if (type === 'entity.too.large') throw await tooLarge(ctx, received ?? 0);
    throw new HttpProblem(problemFor('malformed-json', 'The request body could not be read.'));
  }
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
 * content encoding → 415; over 1 MiB, too deep or too many values → 413; not UTF-8 or unparsable
 * → 400. An absent body reads as `undefined` so the route's schema decides whether that is allowed.
 */
export async function readJsonBody(ctx: Context): Promise<unknown> {
  if (!hasBody(ctx)) return undefined;
  assertPlainJson(ctx);
  const text = decodeUtf8(await readBytes(ctx));
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
