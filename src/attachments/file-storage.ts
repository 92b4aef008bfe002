import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { assertAttachmentKey, type AttachmentStorage, type StoredAttachment } from './storage';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Attachments as files under `root`: `<root>/<key>` holds the bytes and `<root>/.meta/<key>` the
 * content type. Writes go to `<root>/.tmp` first and are renamed into place, so a reader never
 * sees half a file; no key can name `.meta` or `.tmp`, since a key segment cannot start with `.`.
 */
export class FileAttachmentStorage implements AttachmentStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    assertAttachmentKey(key);
    // The type first: a crash in between leaves a type without bytes, which reads as no file.
    await this.writeAtomically(this.metaPath(key), Buffer.from(contentType, 'utf8'));
    await this.writeAtomically(this.dataPath(key), bytes);
  }

  async get(key: string): Promise<StoredAttachment | null> {
    assertAttachmentKey(key);
    let handle;
    try {
      handle = await open(this.dataPath(key), 'r');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const contentType = await readFile(this.metaPath(key), 'utf8').catch((error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      });
      // The stream reads the file it was opened on, even if a put renames another over it.
      const stream = handle.createReadStream();
      return { stream, bytes: size, ...(contentType ? { contentType } : {}) };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertAttachmentKey(key);
    await rm(this.dataPath(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  private dataPath(key: string): string {
    return this.inside(path.join(this.root, ...key.split('/')));
  }

  private metaPath(key: string): string {
    return this.inside(path.join(this.root, '.meta', ...key.split('/')));
  }

  /** Keys are checked already; this is the second lock on the same door. */
  private inside(file: string): string {
    if (!file.startsWith(this.root + path.sep)) {
      throw new Error(`attachment path ${file} is outside ${this.root}`);
    }
    return file;
  }

  private async writeAtomically(target: string, bytes: Buffer): Promise<void> {
    const staging = path.join(this.root, '.tmp');
    await mkdir(staging, { recursive: true });
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = path.join(staging, randomUUID());
    try {
      const handle = await open(temporary, 'wx', 0o640);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
