import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoOf } from './isoTime.ts';

const AT = Date.UTC(2026, 10, 20, 8, 15, 30, 250);

describe('isoOf', () => {
  it('writes each precision of one instant', () => {
    expect(isoOf(AT)).toBe('2026-11-20T08:15:30.250Z');
    expect(isoOf(AT, 'second')).toBe('2026-11-20T08:15:30Z');
    expect(isoOf(AT, 'minute')).toBe('2026-11-20T08:15');
    expect(isoOf(AT, 'day')).toBe('2026-11-20');
    expect(isoOf(AT, 'month')).toBe('2026-11');
  });

  it('truncates rather than rounds, so the last millisecond of a day stays in that day', () => {
    const lastMs = Date.UTC(2026, 11, 31) - 1;
    expect(isoOf(lastMs, 'second')).toBe('2026-12-30T23:59:59Z');
    expect(isoOf(lastMs, 'day')).toBe('2026-12-30');
    expect(isoOf(Date.UTC(2027, 0, 1) - 1, 'month')).toBe('2026-12');
  });

  it('equals Date.prototype.toISOString for years 0 to 9999', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('0000-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }),
        (ms) => {
          expect(isoOf(ms)).toBe(new Date(ms).toISOString());
        },
      ),
    );
    for (const ms of [0, -1, 951_782_400_000, 1_709_251_199_999, 4_102_444_800_123]) {
      expect(isoOf(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('refuses a time that is not a finite number', () => {
    expect(() => isoOf(Number.NaN)).toThrow(RangeError);
    expect(() => isoOf(Number.POSITIVE_INFINITY, 'day')).toThrow(RangeError);
  });

  it('round-trips through Date.parse at millisecond precision', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 0, 1) }), (ms) => {
        expect(Date.parse(isoOf(ms))).toBe(ms);
        expect(Date.parse(isoOf(ms, 'second'))).toBe(Math.floor(ms / 1000) * 1000);
        expect(Date.parse(`${isoOf(ms, 'day')}T00:00:00Z`)).toBe(Math.floor(ms / 86_400_000) * 86_400_000);
      }),
    );
  });
});
