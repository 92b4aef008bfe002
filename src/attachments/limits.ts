/**
 * What an attachment may be, apart from the code that checks it: pure, so the console (which
 * shrinks a photo that would not fit before sending it) reads the same numbers as the API.
 */

/** The largest upload the API reads before handing the bytes over. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/**
 * The most pixels an attachment may decode to. A few kilobytes of PNG can claim gigapixels; a
 * 50-megapixel limit still takes every phone camera's photo.
 */
export const MAX_ATTACHMENT_PIXELS = 50_000_000;

export const ATTACHMENT_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type AttachmentContentType = (typeof ATTACHMENT_CONTENT_TYPES)[number];
