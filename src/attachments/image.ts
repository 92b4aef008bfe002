import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { DomainError, unprocessable, unsupportedMediaType } from '../domain/errors';
import {
  ATTACHMENT_CONTENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENT_PIXELS,
  type AttachmentContentType,
} from './limits';

export {
  ATTACHMENT_CONTENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENT_PIXELS,
  type AttachmentContentType,
};

type ImageFormat = 'jpeg' | 'png' | 'webp';

const FORMAT_OF: Record<AttachmentContentType, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};

export interface StrippedImage {
  contentType: AttachmentContentType;
  /** The re-encoded image, without EXIF, XMP, IPTC, ICC or any other metadata. */
  bytes: Buffer;
  /** Hex SHA-256 of `bytes`, the stored image. */
  sha256: string;
}

const BODY = 'body';

/** `image/JPEG; foo=bar` names the same media type as `image/jpeg`. */
function attachmentContentType(declared: string): AttachmentContentType {
  const essence = declared.split(';', 1)[0]!.trim().toLowerCase();
  const known = ATTACHMENT_CONTENT_TYPES.find((type) => type === essence);
  if (!known) {
    throw unsupportedMediaType(
      `Send the image as one of ${ATTACHMENT_CONTENT_TYPES.join(', ')}` +
        (essence ? `, not ${essence}.` : '; the Content-Type is missing.'),
    );
  }
  return known;
}

const notAnImage = (contentType: string, cause: unknown): DomainError =>
  new DomainError('unprocessable', `The body is not a readable ${contentType} image.`, {
    errors: [{ field: BODY, message: `must be an ${contentType} image` }],
    cause: cause instanceof Error ? cause.message : String(cause),
  });

async function formatAndPixels(bytes: Buffer, contentType: AttachmentContentType) {
  try {
    // Header only: the pixel limit is checked below with a message of our own. Of an animation
    // only the first frame is decoded (and kept), so its size is what counts.
    const { format, width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    return { format, pixels: width * height };
  } catch (error) {
    throw notAnImage(contentType, error);
  }
}

function encoderFor(format: ImageFormat, image: Sharp): Sharp {
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: 90, mozjpeg: true });
    case 'png':
      return image.png();
    case 'webp':
      return image.webp({ quality: 90 });
    default: {
      const unknown: never = format;
      throw new Error(`no encoder for ${String(unknown)}`);
    }
  }
}

/**
 * Checks that the bytes are the image their declared type says and re-encodes them in that
 * format, which drops every piece of metadata (GPS position, camera serial, comments). The photo
 * is turned upright first, since the orientation tag goes with the rest; colours are converted to
 * sRGB, since the ICC profile goes too.
 */
export async function inspectAndStrip(bytes: Buffer, declaredType: string): Promise<StrippedImage> {
  const contentType = attachmentContentType(declaredType);
  const expected = FORMAT_OF[contentType];
  const { format, pixels } = await formatAndPixels(bytes, contentType);
  if (format !== expected) {
    throw unprocessable(`The body is ${format} data, not the ${contentType} it was declared as.`, {
      field: BODY,
      message: `must be an ${contentType} image`,
    });
  }
  if (pixels > MAX_ATTACHMENT_PIXELS) {
    throw unprocessable(`The image has more than ${MAX_ATTACHMENT_PIXELS / 1e6} megapixels.`, {
      field: BODY,
      message: `must have at most ${MAX_ATTACHMENT_PIXELS} pixels`,
    });
  }
  let stripped: Buffer;
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_ATTACHMENT_PIXELS, failOn: 'warning' });
    stripped = await encoderFor(expected, image.autoOrient()).toBuffer();
  } catch (error) {
    throw notAnImage(contentType, error);
  }
  return {
    contentType,
    bytes: stripped,
    sha256: createHash('sha256').update(stripped).digest('hex'),
  };
}
