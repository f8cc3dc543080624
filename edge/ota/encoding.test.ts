import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeUtf8, encodeBase64 } from './encoding.ts';

describe('base64', () => {
  it('matches the standard encoding and round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
  });

  it.each(['abc', 'ab=c', 'a===', '@@@@', 'AAAA====', 'AA=A', 'AAA\u00e9'])(
    'refuses malformed input %j',
    (text) => {
      expect(() => decodeBase64(text)).toThrow(expect.objectContaining({ code: 'BAD_ENCODING' }));
    },
  );
});

describe('decodeUtf8', () => {
  it('decodes any string as Node does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(decodeUtf8(new Uint8Array(Buffer.from(text, 'utf8')))).toBe(text);
      }),
    );
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong slash', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s', (_what, bytes) => {
    expect(() => decodeUtf8(Uint8Array.from(bytes))).toThrow(
      expect.objectContaining({ code: 'BAD_ENCODING' }),
    );
  });
});
