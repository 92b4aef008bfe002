import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileAttachmentStorage } from '../../src/attachments/file-storage';
import {
  AttachmentKeyError,
  createAttachmentStorage,
  type AttachmentStorage,
} from '../../src/attachments/storage';
import { loadConfig } from '../../src/config';
import { behavesAsAttachmentStorage, readAll, uniqueKey } from '../support/attachment-storage';

const TRAVERSALS = [
  '../escape.jpg',
  'deliveries/../../escape.jpg',
  '/etc/passwd',
  'deliveries//double-slash.jpg',
  'deliveries/',
  '.meta/deliveries/x.jpg',
  '.tmp/x',
  'deliveries/..',
  'deliveries/./x.jpg',
  'deliveries\\..\\escape.jpg',
  'deliveries/x.jpg\0.png',
  'deliveries/ünïcode.jpg',
  '',
  'x'.repeat(201),
  `${'a/'.repeat(256)}a`,
];

describe('file attachment storage', () => {
  let root: string;
  let storage: FileAttachmentStorage;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'attachments-'));
    storage = new FileAttachmentStorage(path.join(root, 'attachments'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  behavesAsAttachmentStorage(() => storage);

  it('when bytes are put, then they are a plain file at <root>/<key> and no temporary file is left', async () => {
    const key = uniqueKey();
    await storage.put(key, Buffer.from('jpeg bytes'), 'image/jpeg');

    expect(await readFile(path.join(root, 'attachments', key), 'utf8')).to.equal('jpeg bytes');
    expect(await readdir(path.join(root, 'attachments', '.tmp'))).to.deep.equal([]);
  });

  it('when a reader has the file open and the key is replaced, then the reader still gets the old bytes whole', async () => {
    const key = uniqueKey();
    const before = Buffer.alloc(1 << 20, 1);
    await storage.put(key, before, 'image/jpeg');
    const reading = await storage.get(key);

    await storage.put(key, Buffer.alloc(10, 2), 'image/jpeg');

    expect((await readAll(reading!.stream)).equals(before)).to.equal(true);
    // Read or not, a stream's file handle is closed by its reader: Node 24 warns when garbage
    // collection has to (DEP0137), Node 26 throws.
    const after = (await storage.get(key))!;
    after.stream.destroy();
    expect(after.bytes).to.equal(10);
  });

  for (const key of TRAVERSALS) {
    it(`when the key is ${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}, then put, get and delete refuse it and nothing is written`, async () => {
      for (const attempt of [
        () => storage.put(key, Buffer.from('x'), 'image/jpeg'),
        () => storage.get(key),
        () => storage.delete(key),
      ]) {
        const error = await attempt().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(AttachmentKeyError);
      }
      expect(await readdir(root)).to.deep.equal([]);
    });
  }

  it('when the bytes file exists but its content type was lost, then get still returns the bytes', async () => {
    const key = uniqueKey();
    await storage.put(key, Buffer.from('bytes'), 'image/jpeg');
    await rm(path.join(root, 'attachments', '.meta', key));

    const stored = await storage.get(key);

    expect(stored!.contentType).to.equal(undefined);
    expect((await readAll(stored!.stream)).toString()).to.equal('bytes');
  });

  it('when the configuration says file storage, then the factory stores under DATA_DIR/attachments', async () => {
    const config = loadConfig({ DATA_DIR: root }, 'test');
    const fromConfig: AttachmentStorage = createAttachmentStorage(config);
    const key = uniqueKey('png');

    await fromConfig.put(key, Buffer.from('png bytes'), 'image/png');

    expect(fromConfig).to.be.instanceOf(FileAttachmentStorage);
    expect(await readFile(path.join(root, 'attachments', key), 'utf8')).to.equal('png bytes');
  });
});
