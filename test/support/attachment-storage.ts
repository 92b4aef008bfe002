import { expect } from 'chai';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AttachmentStorage } from '../../src/attachments/storage';

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A key no other test uses, shaped like the ones the attachment routes make. */
export const uniqueKey = (extension = 'jpg') =>
  `deliveries/${randomUUID()}/${randomBytes(32).toString('hex')}.${extension}`;

/**
 * What every store must do, checked the same way against each: the bytes and type come back
 * whole, a replaced key reads as the new bytes, a deleted or unknown key reads as null.
 */
export function behavesAsAttachmentStorage(storage: () => AttachmentStorage): void {
  it('when bytes are put, then get returns the same bytes, their content type and size', async () => {
    const key = uniqueKey();
    const bytes = randomBytes(300_000);
    await storage().put(key, bytes, 'image/jpeg');

    const stored = await storage().get(key);

    expect(stored).to.not.equal(null);
    expect(stored!.contentType).to.equal('image/jpeg');
    expect(stored!.bytes).to.equal(bytes.length);
    expect((await readAll(stored!.stream)).equals(bytes)).to.equal(true);
  });

  it('when a key is put again, then get returns the new bytes and type', async () => {
    const key = uniqueKey('img');
    await storage().put(key, Buffer.from('first'), 'image/jpeg');
    await storage().put(key, Buffer.from('second version'), 'image/png');

    const stored = await storage().get(key);

    expect(stored!.contentType).to.equal('image/png');
    expect((await readAll(stored!.stream)).toString()).to.equal('second version');
  });

  it('when a key is deleted, then get returns null, and deleting it again is not an error', async () => {
    const key = uniqueKey('webp');
    await storage().put(key, Buffer.from('bytes'), 'image/webp');

    await storage().delete(key);

    expect(await storage().get(key)).to.equal(null);
    await storage().delete(key);
  });

  it('when a key was never put, then get returns null', async () => {
    expect(await storage().get(uniqueKey())).to.equal(null);
  });
}
