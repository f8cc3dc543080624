import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './encoding.ts';

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
