import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Config } from '../config';

export interface StoredAttachment {
  stream: Readable;
  contentType?: string;
  /** The stored size, when the store says. */
  bytes?: number;
}

/** Where attachment bytes live. Keys are ours (see `assertAttachmentKey`), never a client's text. */
export interface AttachmentStorage {
  /** Stores the bytes under `key`, replacing what was there; readers see the old or the new, whole. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The bytes under `key`, or null when there are none. */
  get(key: string): Promise<StoredAttachment | null>;
  /** Removes `key`; removing a key that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** Releases what the store holds open (the S3 client's connections), if anything. */
  close?(): void;
}

export type AttachmentStorageConfig = Pick<
  Config,
  | 'ATTACHMENT_STORAGE'
  | 'DATA_DIR'
  | 'S3_BUCKET'
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
>;

export const MAX_ATTACHMENT_KEY_LENGTH = 512;
/** A segment starts with a letter or digit, so `.`, `..` and hidden names cannot be spelt; 200
 * characters at most, within every file system's name limit. */
const KEY_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export class AttachmentKeyError extends Error {
  override name = 'AttachmentKeyError';
}

/**
 * Keys are `/`-separated segments of letters, digits, `.`, `_` and `-` (such as
 * `deliveries/<id>/<sha256>.jpg`): the same key is a safe relative path on disk and a plain S3
 * object name, so no store has to escape or refuse what another accepted.
 */
export function assertAttachmentKey(key: string): void {
  const valid =
    key.length > 0 &&
    key.length <= MAX_ATTACHMENT_KEY_LENGTH &&
    key.split('/').every((segment) => KEY_SEGMENT.test(segment));
  if (!valid) throw new AttachmentKeyError(`Invalid attachment key: ${JSON.stringify(key)}`);
}

/** The store the configuration names: files under `DATA_DIR/attachments`, or an S3 bucket. */
export function createAttachmentStorage(config: AttachmentStorageConfig): AttachmentStorage {
  // Required here, not imported: a process storing files never loads the AWS SDK, as with the
  // OpenTelemetry SDK in telemetry/tracing.ts.
  switch (config.ATTACHMENT_STORAGE) {
    case 'file': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { FileAttachmentStorage }: typeof import('./file-storage') = require('./file-storage');
      return new FileAttachmentStorage(path.join(config.DATA_DIR, 'attachments'));
    }
    case 's3': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { s3StorageFromConfig }: typeof import('./s3-storage') = require('./s3-storage');
      return s3StorageFromConfig(config);
    }
    default: {
      const unknown: never = config.ATTACHMENT_STORAGE;
      throw new Error(`Unknown ATTACHMENT_STORAGE ${String(unknown)}`);
    }
  }
}
