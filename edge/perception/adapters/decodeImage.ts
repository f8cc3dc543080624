import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbImage } from '../detection.ts';
import { PerceptionError } from '../perceptionError.ts';

/**
 * Larger images are refused: a dash-cam frame is at most 4K (8.3 MP), and jpeg-js allocates the
 * whole RGBA buffer up front, so a crafted header could otherwise ask for gigabytes.
 */
const MAX_MEGAPIXELS = 36;

/**
 * Decodes a JPEG or PNG file's bytes to packed RGB (alpha dropped), by magic number, with the
 * pure-JS decoders jpeg-js and pngjs. Node only (pngjs needs `Buffer`); on the camera the ISP
 * hands frames in already decoded.
 *
 * @throws PerceptionError `BAD_IMAGE` for anything else or a corrupt file
 */
export function decodeImage(bytes: Uint8Array): RgbImage {
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (!isJpeg && !isPng) throw new PerceptionError('BAD_IMAGE', 'not a JPEG or PNG file');
  let width: number;
  let height: number;
  let rgba: Uint8Array;
  try {
    if (isJpeg) {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_MEGAPIXELS,
        maxMemoryUsageInMB: 512,
      });
      ({ width, height } = img);
      rgba = img.data;
    } else {
      // The IHDR chunk always comes first: refuse a huge image before pngjs allocates it.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bytes.length < 24 || view.getUint32(16) * view.getUint32(20) > MAX_MEGAPIXELS * 1e6) {
        throw new Error('truncated header or more than 36 megapixels');
      }
      const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = img);
      rgba = img.data;
    }
  } catch (err) {
    throw new PerceptionError(
      'BAD_IMAGE',
      `cannot decode ${isJpeg ? 'JPEG' : 'PNG'}: ${(err as Error).message}`,
    );
  }
  if (width < 1 || height < 1 || rgba.length < width * height * 4) {
    throw new PerceptionError('BAD_IMAGE', `decoded image is empty or truncated (${width}×${height})`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return { width, height, rgb };
}
