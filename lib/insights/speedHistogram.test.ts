import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addSpeed,
  percentileRank,
  type SpeedHistogram,
  speedQuantile,
  speedSummary,
} from './speedHistogram.ts';

const histogram = fc
  .array(fc.float({ min: 0, max: 60, noNaN: true }), { minLength: 1, maxLength: 200 })
  .map((speeds) => speeds.reduce<SpeedHistogram>((h, s) => addSpeed(h, s), {}));

describe('speed histograms', () => {
  it('gives quantiles that never decrease as q grows', () => {
    fc.assert(
      fc.property(
        histogram,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (h, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(speedQuantile(h, lo)!).toBeLessThanOrEqual(speedQuantile(h, hi)! + 1e-9);
        },
      ),
    );
  });

  it('gives p50 ≤ p85 ≤ p95 for every histogram', () => {
    fc.assert(
      fc.property(histogram, (h) => {
        const s = speedSummary(h)!;
        expect(s.p50).toBeLessThanOrEqual(s.p85);
        expect(s.p85).toBeLessThanOrEqual(s.p95);
      }),
    );
  });

  it('gives percentile ranks within 0..100 that never decrease with the speed', () => {
    fc.assert(
      fc.property(
        histogram,
        fc.double({ min: 0, max: 70, noNaN: true }),
        fc.double({ min: 0, max: 70, noNaN: true }),
        (h, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const rLo = percentileRank(h, lo)!;
          const rHi = percentileRank(h, hi)!;
          expect(rLo).toBeGreaterThanOrEqual(0);
          expect(rHi).toBeLessThanOrEqual(100);
          expect(rLo).toBeLessThanOrEqual(rHi + 1e-9);
        },
      ),
    );
  });

  it('ranks a claim above every observation at 100 and below every one at 0', () => {
    const h = addSpeed(addSpeed({}, 10), 12);
    expect(percentileRank(h, 30)).toBe(100);
    expect(percentileRank(h, 5)).toBe(0);
  });

  it('interpolates the median inside its bin', () => {
    expect(speedQuantile({ '10': 2 }, 0.5)).toBeCloseTo(10.5);
  });

  it('has no quantile or rank for an empty histogram', () => {
    expect(speedQuantile({}, 0.5)).toBeUndefined();
    expect(percentileRank({}, 10)).toBeUndefined();
    expect(speedSummary({})).toBeUndefined();
  });
});
