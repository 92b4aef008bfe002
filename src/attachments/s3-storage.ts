import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import {
  assertAttachmentKey,
  type AttachmentStorage,
  type AttachmentStorageConfig,
  type StoredAttachment,
} from './storage';

const CONNECTION_TIMEOUT_MS = 5_000;
/** How long a connection may sit idle mid-request: a stalled store fails the call, never hangs it. */
const SOCKET_IDLE_TIMEOUT_MS = 30_000;

/** Attachments as objects in one bucket of S3 or an S3-compatible server, under their key. */
export class S3AttachmentStorage implements AttachmentStorage {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    assertAttachmentKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.length,
      }),
    );
  }

  async get(key: string): Promise<StoredAttachment | null> {
    assertAttachmentKey(key);
    let object;
    try {
      object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      // Only a missing key is "no attachment"; a missing bucket or a refusal is a fault.
      if (error instanceof NoSuchKey) return null;
      throw error;
    }
    if (!(object.Body instanceof Readable)) {
      throw new Error(`S3 answered GetObject ${key} without a readable body`);
    }
    return {
      stream: object.Body,
      ...(object.ContentType ? { contentType: object.ContentType } : {}),
      ...(object.ContentLength !== undefined ? { bytes: object.ContentLength } : {}),
    };
  }

  async delete(key: string): Promise<void> {
    assertAttachmentKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Closes the client's connections. */
  close(): void {
    this.client.destroy();
  }
}

/**
 * The bucket the configuration names. Without S3_ACCESS_KEY_ID the AWS SDK finds credentials
 * itself (environment, profile, container or instance role).
 */
export function s3StorageFromConfig(config: AttachmentStorageConfig): S3AttachmentStorage {
  if (!config.S3_BUCKET) throw new Error('S3_BUCKET is required when ATTACHMENT_STORAGE=s3');
  const client = new S3Client({
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    ...(config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: config.S3_ACCESS_KEY_ID,
            secretAccessKey: config.S3_SECRET_ACCESS_KEY,
          },
        }
      : {}),
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: SOCKET_IDLE_TIMEOUT_MS,
    },
  });
  return new S3AttachmentStorage(client, config.S3_BUCKET);
}
