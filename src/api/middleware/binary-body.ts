import type { Context } from 'koa';
import type { BinaryContent } from '../../schemas/binary';
import { assertIdentityEncoding, hasBody, readBoundedBody, unsupported } from './request-body';

/**
 * Reads a binary request body (an image) as bytes: a media type the route does not take, or a
 * content encoding, is refused (415) before any of it is read; beyond the route's `maxBytes` →
 * 413. An absent body reads as no bytes, for the route to refuse in its own words. Whether the
 * bytes are what their type says is the route's to check.
 */
export async function readBinaryBody(ctx: Context, content: BinaryContent): Promise<Buffer> {
  const { mediaTypes, maxBytes } = content;
  if (maxBytes === undefined) throw new Error('A binary request body needs its maxBytes');
  // `image/JPEG; foo=bar` names `image/jpeg`. Not ctx.is(): it says nothing of a request without
  // a body, and an empty upload deserves the route's own refusal rather than a 415.
  const essence = ctx.get('Content-Type').split(';', 1)[0]!.trim().toLowerCase();
  if (!mediaTypes.includes(essence)) {
    throw unsupported(
      `Send the body as one of ${mediaTypes.join(', ')}` +
        (essence ? `, not ${essence}.` : '; the Content-Type is missing.'),
    );
  }
  assertIdentityEncoding(ctx);
  if (!hasBody(ctx)) return Buffer.alloc(0);
  return readBoundedBody(ctx, maxBytes, 'malformed-request');
}
