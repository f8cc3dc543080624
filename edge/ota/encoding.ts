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

/**
 * Text of UTF-8 bytes (JSON artefacts: ISP profiles, prior tiles). Strict: an invalid sequence
 * throws rather than decoding to U+FFFD, so a corrupt profile is refused, not half-applied.
 *
 * @throws OtaError `BAD_ENCODING`
 */
export function decodeUtf8(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk: number[] = [];
  const bad = (i: number) => new OtaError('BAD_ENCODING', `invalid UTF-8 at byte ${i}`);
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i] as number;
    let cp: number;
    let len: number;
    if (b0 < 0x80) [cp, len] = [b0, 1];
    else if (b0 >= 0xc2 && b0 < 0xe0) [cp, len] = [b0 & 0x1f, 2];
    else if (b0 >= 0xe0 && b0 < 0xf0) [cp, len] = [b0 & 0x0f, 3];
    else if (b0 >= 0xf0 && b0 < 0xf5) [cp, len] = [b0 & 0x07, 4];
    else throw bad(i);
    if (i + len > bytes.length) throw bad(i);
    for (let k = 1; k < len; k++) {
      const b = bytes[i + k] as number;
      if ((b & 0xc0) !== 0x80) throw bad(i + k);
      cp = (cp << 6) | (b & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid UTF-8 (RFC 3629 §3).
    if (
      (len === 3 && cp < 0x800) ||
      (len === 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp < 0xe000)
    )
      throw bad(i);
    if (cp >= 0x10000) {
      const c = cp - 0x10000;
      chunk.push(0xd800 | (c >> 10), 0xdc00 | (c & 0x3ff));
    } else chunk.push(cp);
    if (chunk.length >= 4096) {
      parts.push(String.fromCharCode(...chunk));
      chunk = [];
    }
    i += len;
  }
  parts.push(String.fromCharCode(...chunk));
  return parts.join('');
}
