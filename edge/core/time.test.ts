import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseLogTime } from './time.ts';

describe('time', () => {
  it('parses RFC 3339 with offsets and Unix seconds to the same instant', () => {
    expect(parseLogTime('2024-05-06T09:30:00.250+02:00')).toBe(Date.UTC(2024, 4, 6, 7, 30, 0, 250));
    expect(parseLogTime('1714980600.25')).toBe(Date.UTC(2024, 4, 6, 7, 30, 0, 250));
  });

  it('rejects a time that is neither, with code BAD_TIME', () => {
    expect(() => parseLogTime('06/05/2024')).toThrow(expect.objectContaining({ code: 'BAD_TIME' }));
  });

  it('parses an IMF-fixdate Retry-After', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });
});
