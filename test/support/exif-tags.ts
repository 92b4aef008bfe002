/**
 * The tag numbers in an EXIF block's first IFD (IFD0), read straight from its TIFF structure, so a
 * test can see what metadata an image carries without an EXIF library. 0x8825 points at the GPS
 * IFD, 0x0112 is the orientation.
 */
export function exifIfd0Tags(exif: Buffer): number[] {
  const tiff = exif.subarray(exif.indexOf('Exif\0\0') === 0 ? 6 : 0);
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new Error(`not a TIFF header: ${order}`);
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const count = u16(ifd0);
  return Array.from({ length: count }, (_, i) => u16(ifd0 + 2 + i * 12));
}

export const GPS_IFD_TAG = 0x8825;
export const ORIENTATION_TAG = 0x0112;
