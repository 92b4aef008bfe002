import { S3ServiceException } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { S3AttachmentStorage, s3StorageFromConfig } from '../../src/attachments/s3-storage';
import { AttachmentKeyError, createAttachmentStorage } from '../../src/attachments/storage';
import { loadConfig } from '../../src/config';
import { behavesAsAttachmentStorage, uniqueKey } from '../support/attachment-storage';
import { startS3Server, type S3Server } from '../support/s3-server';

describe('S3 attachment storage, against versitygw', () => {
  let server: S3Server;
  let storage: S3AttachmentStorage;
  const opened: S3AttachmentStorage[] = [];

  /** The configuration an operator would write for this server. */
  const configFor = (overrides: Record<string, string> = {}) =>
    loadConfig(
      {
        ATTACHMENT_STORAGE: 's3',
        S3_BUCKET: server.bucket,
        S3_ENDPOINT: server.endpoint,
        S3_REGION: server.region,
        S3_ACCESS_KEY_ID: server.accessKeyId,
        S3_SECRET_ACCESS_KEY: server.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
        ...overrides,
      },
      'test',
    );
  const open = (overrides: Record<string, string> = {}) => {
    const store = s3StorageFromConfig(configFor(overrides));
    opened.push(store);
    return store;
  };

  before(async () => {
    server = await startS3Server();
    storage = open();
  });

  after(async () => {
    for (const store of opened) store.close();
    await server?.stop();
  });

  behavesAsAttachmentStorage(() => storage);

  it('when the configuration says s3, then the factory makes an S3 store for the bucket it names', async () => {
    const fromConfig = createAttachmentStorage(configFor());
    expect(fromConfig).to.be.instanceOf(S3AttachmentStorage);
    opened.push(fromConfig as S3AttachmentStorage);
    const key = uniqueKey('png');

    await fromConfig.put(key, Buffer.from('png bytes'), 'image/png');

    expect((await storage.get(key))!.contentType).to.equal('image/png');
  });

  it('when bytes are put, then the server keeps them as the object <bucket>/<key>', async () => {
    const key = uniqueKey();
    await storage.put(key, Buffer.from('jpeg bytes'), 'image/jpeg');

    const file = path.join(server.dataDir, server.bucket, ...key.split('/'));
    expect(await readFile(file, 'utf8')).to.equal('jpeg bytes');
  });

  it('when the bucket does not exist, then get fails instead of answering "no attachment"', async () => {
    const missing = open({ S3_BUCKET: `${server.bucket}-gone` });

    const error = await missing.get(uniqueKey()).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(S3ServiceException);
    expect((error as S3ServiceException).name).to.equal('NoSuchBucket');
  });

  it('when the secret is wrong, then the server refuses the put and nothing is stored', async () => {
    const impostor = open({ S3_SECRET_ACCESS_KEY: 'not-the-secret' });
    const key = uniqueKey();

    const error = await impostor.put(key, Buffer.from('x'), 'image/jpeg').catch((e: unknown) => e);

    expect(error).to.be.instanceOf(S3ServiceException);
    expect((error as S3ServiceException).$metadata.httpStatusCode).to.equal(403);
    expect(await storage.get(key)).to.equal(null);
  });

  it('when the key would climb out of its prefix, then it is refused before any request', async () => {
    for (const key of ['../other-bucket/x.jpg', 'deliveries/../x.jpg', '/x.jpg']) {
      const error = await storage.get(key).catch((e: unknown) => e);
      expect(error, key).to.be.instanceOf(AttachmentKeyError);
    }
  });
});
