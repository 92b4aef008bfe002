import getRawBody from 'raw-body';
import type { Context } from 'koa';
import type { IncomingMessage } from 'node:http';
import { problemFor } from '../problem';
import { HttpProblem } from './errors';

const MIB = 1024 * 1024;
/**
 * How much of an oversized body is read and thrown away before the 413 is sent. Answering while
 * the client still sends, then closing, resets the connection: the client may never see the 413
 * and the rest of the body would be read as the next request. Beyond this, the 413 closes.
 */
const DRAIN_LIMIT_BYTES = 16 * MIB;
const DRAIN_TIMEOUT_MS = 5000;

/** "1 MiB", "5 MiB": how the body limits are written in answers and in the document. */
export const inMebibytes = (bytes: number) => `${Math.round((bytes / MIB) * 100) / 100} MiB`;

export function hasBody(ctx: Context): boolean {
  const length = ctx.get('Content-Length');
  return (length !== '' && length !== '0') || ctx.get('Transfer-Encoding') !== '';
}

export const unsupported = (detail: string) =>
  new HttpProblem(problemFor('unsupported-media-type', detail));

/** A body is read as sent: a compressed one is refused (415), never inflated here. */
export function assertIdentityEncoding(ctx: Context): void {
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

async function tooLarge(ctx: Context, received: number, limit: number): Promise<HttpProblem> {
  const declared = Number(ctx.get('Content-Length') || 0);
  const drained = declared <= DRAIN_LIMIT_BYTES && (await drain(ctx.req, received));
  // Unread bytes would be taken for the next request: that connection cannot be reused.
  if (!drained) ctx.set('Connection', 'close');
  return new HttpProblem(
    problemFor('payload-too-large', `The request body exceeds ${inMebibytes(limit)}.`),
  );
}

/**
 * The whole body, taken as it streams in and given up once it passes `limit` (413): no more than
 * `limit` bytes are ever held, whatever the client declares or sends. A body that cannot be read
 * (cut short, longer or shorter than declared) is the `unreadable` problem.
 */
export async function readBoundedBody(
  ctx: Context,
  limit: number,
  unreadable: 'malformed-json' | 'malformed-request',
): Promise<Buffer> {
  try {
    // With the declared length, a body announced as too large is refused before any of it is read.
    const length = ctx.get('Content-Length') || undefined;
    return await getRawBody(ctx.req, { limit, length });
  } catch (error) {
    const { type, received } = error as { type?: string; received?: number };
    if (type === 'entity.too.large') throw await tooLarge(ctx, received ?? 0, limit);
    throw new HttpProblem(problemFor(unreadable, 'The request body could not be read.'));
  }
}
