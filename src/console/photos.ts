import {
  ATTACHMENT_CONTENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  type AttachmentContentType,
} from '../attachments/limits';

/** What is sent for one chosen file: its bytes and the type they are declared as. */
export interface PhotoUpload {
  bytes: Blob;
  type: string;
}

/** A long edge that still shows a door, a parcel and a house number clearly. */
const SHRUNK_EDGE = 2560;
const SHRUNK_QUALITY = 0.85;

const isAccepted = (type: string): type is AttachmentContentType =>
  (ATTACHMENT_CONTENT_TYPES as readonly string[]).includes(type);

/** The image redrawn as a JPEG no longer than SHRUNK_EDGE on its long side, or null. */
async function shrunk(file: File): Promise<Blob | null> {
  // The browser turns the photo upright as it decodes it (imageOrientation 'from-image').
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, SHRUNK_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', SHRUNK_QUALITY));
  } finally {
    bitmap.close();
  }
}

/**
 * A chosen photo as it is sent: as it is when the API takes it (JPEG, PNG or WebP of at most
 * 5 MiB), else redrawn as a smaller JPEG, since a phone's full-size photo can pass the limit.
 * What the browser cannot redraw goes as it is, and the API's refusal says why in words.
 */
export async function photoUpload(file: File): Promise<PhotoUpload> {
  if (isAccepted(file.type) && file.size <= MAX_ATTACHMENT_BYTES) {
    return { bytes: file, type: file.type };
  }
  const redrawn = await shrunk(file).catch(() => null);
  if (redrawn && redrawn.size <= MAX_ATTACHMENT_BYTES) {
    return { bytes: redrawn, type: 'image/jpeg' };
  }
  return { bytes: file, type: file.type || 'application/octet-stream' };
}
