import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import {
  inspectAndStrip,
  MAX_ATTACHMENT_PIXELS,
  type StrippedImage,
} from '../../src/attachments/image';
import { DomainError } from '../../src/domain/errors';
import { exifIfd0Tags, GPS_IFD_TAG } from '../support/exif-tags';

const XMP =
  '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' +
  '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Courier 17"/>' +
  '</rdf:RDF></x:xmpmeta>';
const GPS_EXIF = {
  IFD0: { Make: 'Courier phone', Software: 'camera 1.0' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 31/1 12/1', GPSLongitudeRef: 'E' },
};

/** A 40×20 photo; `orientation` 6 means "turn 90° clockwise to view". */
function photo(orientation?: number) {
  const image = sharp({ create: { width: 40, height: 20, channels: 3, background: '#c83' } });
  return orientation ? image.withMetadata({ orientation }) : image;
}

async function refusal(bytes: Buffer, declaredType: string): Promise<DomainError> {
  try {
    await inspectAndStrip(bytes, declaredType);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the image was accepted');
}

async function expectNoMetadata(stored: StrippedImage, format: string) {
  const meta = await sharp(stored.bytes).metadata();
  expect(meta.format).to.equal(format);
  expect(meta.exif, 'exif').to.equal(undefined);
  expect(meta.xmp, 'xmp').to.equal(undefined);
  expect(meta.icc, 'icc').to.equal(undefined);
  expect(meta.iptc, 'iptc').to.equal(undefined);
  expect(meta.comments, 'text chunks').to.equal(undefined);
}

/** The PNG with its header claiming other dimensions, and a correct header checksum. */
function withClaimedSize(png: Buffer, width: number, height: number): Buffer {
  const forged = Buffer.from(png);
  forged.writeUInt32BE(width, 16);
  forged.writeUInt32BE(height, 20);
  forged.writeUInt32BE(crc32(forged.subarray(12, 29)), 29);
  return forged;
}

describe('attachment images', () => {
  it('when a JPEG carries GPS EXIF, XMP and an ICC profile, then the stored JPEG carries none of them', async () => {
    const input = await photo()
      .jpeg()
      .withExif(GPS_EXIF)
      .withXmp(XMP)
      .withIccProfile('p3')
      .toBuffer();
    const before = await sharp(input).metadata();
    expect(exifIfd0Tags(before.exif!)).to.include(GPS_IFD_TAG);
    expect(before.xmp).to.be.instanceOf(Buffer);
    expect(before.icc).to.be.instanceOf(Buffer);

    const stored = await inspectAndStrip(input, 'image/jpeg');

    expect(stored.contentType).to.equal('image/jpeg');
    await expectNoMetadata(stored, 'jpeg');
    expect(stored.bytes.includes('Courier')).to.equal(false);
    const meta = await sharp(stored.bytes).metadata();
    expect([meta.width, meta.height]).to.deep.equal([40, 20]);
  });

  it('when the image is stored, then its sha256 is that of the stored bytes, not of the upload', async () => {
    const input = await photo().jpeg().withExif(GPS_EXIF).toBuffer();
    const stored = await inspectAndStrip(input, 'image/jpeg');
    const hash = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(stored.sha256).to.equal(hash(stored.bytes));
    expect(stored.sha256).not.to.equal(hash(input));
  });

  for (const [contentType, format] of [
    ['image/png', 'png'],
    ['image/webp', 'webp'],
  ] as const) {
    it(`when a ${format.toUpperCase()} with EXIF and XMP is declared ${contentType}, then it is accepted and stored as ${format} without them`, async () => {
      const input = await photo().toFormat(format).withExif(GPS_EXIF).withXmp(XMP).toBuffer();
      expect((await sharp(input).metadata()).exif).to.be.instanceOf(Buffer);

      const stored = await inspectAndStrip(input, contentType);

      expect(stored.contentType).to.equal(contentType);
      await expectNoMetadata(stored, format);
    });
  }

  it('when the Content-Type has parameters or capitals, then the media type is still recognised', async () => {
    const input = await photo().png().toBuffer();
    const stored = await inspectAndStrip(input, 'Image/PNG; charset=binary');
    expect(stored.contentType).to.equal('image/png');
  });

  it('when the EXIF orientation says "turn 90°", then the stored photo is turned upright: width and height swap', async () => {
    const input = await photo(6).jpeg().toBuffer();
    expect((await sharp(input).metadata()).orientation).to.equal(6);

    const stored = await inspectAndStrip(input, 'image/jpeg');

    const meta = await sharp(stored.bytes).metadata();
    expect(meta.orientation).to.equal(undefined);
    expect([meta.width, meta.height]).to.deep.equal([20, 40]);
  });

  it('when a PNG is declared image/jpeg, then it is refused as unprocessable, naming the body', async () => {
    const error = await refusal(await photo().png().toBuffer(), 'image/jpeg');
    expect(error.code).to.equal('unprocessable');
    expect(error.message).to.match(/png data, not the image\/jpeg/);
    expect(error.context['errors']).to.deep.equal([
      { field: 'body', message: 'must be an image/jpeg image' },
    ]);
  });

  it('when the bytes are text, then they are refused as unprocessable', async () => {
    const error = await refusal(Buffer.from('GPS 52.5N 13.4E, signed by J. Doe'), 'image/png');
    expect(error.code).to.equal('unprocessable');
    expect(error.message).to.equal('The body is not a readable image/png image.');
  });

  it('when a JPEG is cut short, then it is refused as unprocessable', async () => {
    const whole = await photo().jpeg().toBuffer();
    const error = await refusal(whole.subarray(0, Math.floor(whole.length / 2)), 'image/jpeg');
    expect(error.code).to.equal('unprocessable');
  });

  it('when the image has a Display P3 profile, then the profile goes and the stored pixels are its colours in sRGB', async () => {
    const green = { r: 20, g: 200, b: 60 };
    const source = sharp({ create: { width: 8, height: 8, channels: 3, background: green } });
    const p3 = await source.png().withIccProfile('p3').toBuffer();
    const pixel = async (bytes: Buffer) => [
      ...(await sharp(bytes, { ignoreIcc: true }).raw().toBuffer()).subarray(0, 3),
    ];
    expect(await pixel(p3)).to.not.deep.equal([20, 200, 60]);

    const stored = await inspectAndStrip(p3, 'image/png');

    expect((await sharp(stored.bytes).metadata()).icc).to.equal(undefined);
    const stripped = await pixel(stored.bytes);
    const deltas = stripped.map((value, i) => Math.abs(value - [20, 200, 60][i]!));
    expect(Math.max(...deltas), `sRGB ${stripped.join(',')}`).to.be.at.most(4);
  });

  it('when a WebP is animated, then only its first frame is stored', async () => {
    const frames = await Promise.all(
      ['#f00', '#0f0', '#00f'].map((background) =>
        sharp({ create: { width: 30, height: 10, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    const animated = await sharp(frames, { join: { animated: true } })
      .webp()
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).to.equal(3);

    const stored = await inspectAndStrip(animated, 'image/webp');

    const meta = await sharp(stored.bytes).metadata();
    expect([meta.width, meta.height, meta.pages ?? 1]).to.deep.equal([30, 10, 1]);
    const { dominant } = await sharp(stored.bytes).stats();
    expect(dominant.r).to.be.greaterThan(200);
  });

  for (const declared of [
    'image/gif',
    'image/svg+xml',
    'application/octet-stream',
    'text/plain',
    '',
  ]) {
    it(`when the declared type is ${JSON.stringify(declared)}, then it is refused as an unsupported media type before the bytes are read`, async () => {
      const error = await refusal(await photo().jpeg().toBuffer(), declared);
      expect(error.code).to.equal('unsupported-media-type');
      expect(error.message).to.contain('image/jpeg, image/png, image/webp');
    });
  }

  it('when a small PNG claims more pixels than the limit (a decompression bomb), then it is refused without being decoded', async () => {
    const small = await photo().png().toBuffer();
    const side = Math.ceil(Math.sqrt(MAX_ATTACHMENT_PIXELS)) + 1;
    const error = await refusal(withClaimedSize(small, side, side), 'image/png');
    expect(error.code).to.equal('unprocessable');
    expect(error.message).to.match(/more than 50 megapixels/);
  });
});
