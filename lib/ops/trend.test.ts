import { describe, expect, it } from 'vitest';
import { fitTrend, TrendError, trendVerdict } from './trend.ts';

describe('fitTrend', () => {
  it('recovers the slope of an exact line with a zero-width interval', () => {
    const t = fitTrend([0, 1, 2, 3], [5, 7, 9, 11]);
    expect(t.slope).toBeCloseTo(2, 12);
    expect(t.intercept).toBeCloseTo(5, 12);
    expect(t.slopeCi95).toBeCloseTo(0, 12);
  });

  it('widens the interval with noise and narrows it with more points', () => {
    const noisy = (n: number) => {
      const xs = Array.from({ length: n }, (_, i) => i);
      return fitTrend(
        xs,
        xs.map((x) => 100 + (x % 2 === 0 ? 3 : -3)),
      );
    };
    const short = noisy(6);
    const long = noisy(60);
    expect(short.slopeCi95).toBeGreaterThan(0);
    expect(long.slopeCi95).toBeLessThan(short.slopeCi95);
    expect(Math.abs(long.slope)).toBeLessThan(long.slopeCi95);
  });

  it('gives an infinite interval through two points', () => {
    expect(fitTrend([0, 1], [0, 1]).slopeCi95).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses fewer than two points or a non-finite value, by code', () => {
    expect(() => fitTrend([1], [1])).toThrow(expect.objectContaining({ code: 'TOO_FEW_POINTS' }));
    expect(() => fitTrend([1, 1], [1, 2])).toThrow(TrendError);
    expect(() => fitTrend([0, 1, 2], [0, Number.NaN, 1])).toThrow(
      expect.objectContaining({ code: 'NOT_FINITE' }),
    );
  });
});

describe('trendVerdict', () => {
  const trend = (slope: number, slopeCi95: number) => ({ slope, slopeCi95, intercept: 0, points: 10 });
  it('is flat when the whole interval is within the bound', () => {
    expect(trendVerdict(trend(-3, 2), 10)).toBe('flat');
    expect(trendVerdict(trend(8, 2), 10)).toBe('flat');
  });
  it('is growing when the whole interval is above the bound', () => {
    expect(trendVerdict(trend(20, 5), 10)).toBe('growing');
  });
  it('is inconclusive when the interval straddles the bound', () => {
    expect(trendVerdict(trend(9, 5), 10)).toBe('inconclusive');
    expect(trendVerdict(trend(0, Number.POSITIVE_INFINITY), 10)).toBe('inconclusive');
  });
});
