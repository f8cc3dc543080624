import { OtaError } from './otaError.ts';

/**
 * Byte ↔ text codecs for the camera's string key/value flash. QuickJS has neither `btoa`,
 * `Buffer` nor `TextDecoder`, so these are written out; they are small and only run on
 * artefact install and boot, never per frame.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP: Int16Array = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/** Standard base64 (RFC 4648 §4, padded) of bytes. */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let line = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    line +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      (b === undefined ? '=' : ALPHABET.charAt((n >> 6) & 63)) +
      (c === undefined ? '=' : ALPHABET.charAt(n & 63));
    // Join in pieces: repeated `+=` on one huge string is quadratic on some small engines.
    if (line.length >= 4096) {
      parts.push(line);
      line = '';
    }
  }
  parts.push(line);
  return parts.join('');
}

/**
 * Bytes of standard padded base64. Strict: a length that is not a multiple of 4, a foreign
 * character or misplaced padding throws, because a flash page that decodes "mostly" must not
 * reach the verifier as plausible bytes.
 *
 * @throws OtaError `BAD_ENCODING`
 */
export function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new OtaError('BAD_ENCODING', 'base64 length is not a multiple of 4');
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const code = text.charCodeAt(i + j);
      const padded = last && j >= 4 - pad;
      const v = padded ? 0 : code < 128 ? (LOOKUP[code] as number) : -1;
      if (v < 0 || (padded && code !== 61) || (!padded && code === 61))
        throw new OtaError('BAD_ENCODING', `not base64 at character ${i + j}`);
      n = (n << 6) | v;
    }
    out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
