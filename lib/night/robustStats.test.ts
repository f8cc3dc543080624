import { describe, expect, it } from 'vitest';
import { createPrng } from '../random/prng.ts';
import {
  madSigma,
  median,
  quantile,
  robustLinearFit,
  theilSen,
  weightedLeastSquares,
  weightedMedian,
} from './robustStats.ts';

describe('robust statistics', () => {
  it('takes medians, weighted medians and quantiles', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(weightedMedian([1, 2, 3], [1, 1, 5])).toBe(3);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(madSigma([1, 1, 1, 1, 100])).toBe(0);
  });

  it('fits a line through 10 % gross outliers where least squares is dragged away', () => {
    const prng = createPrng(7);
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      const g = prng.uniform(1, 16);
      const l = prng.uniform(20, 120);
      const clean = 6 + 0.09 * g * l - 1.44 * g;
      // One report in ten: oncoming headlights, noise estimate 2–9× too high.
      const v = i % 10 === 0 ? clean * prng.uniform(2, 9) : clean * (1 + 0.03 * (prng.next() - 0.5));
      x.push([1, g * l, g]);
      y.push(v);
    }
    const robust = robustLinearFit(x, y).coef;
    const plain = weightedLeastSquares(
      x,
      y,
      y.map(() => 1),
    );
    expect(Math.abs((robust[1] as number) - 0.09) / 0.09).toBeLessThan(0.02);
    expect(Math.abs(-(robust[2] as number) / (robust[1] as number) - 16)).toBeLessThan(1);
    // The plain fit is off by far more: the test would catch a "robust" fit that is not.
    expect(Math.abs((plain[1] as number) - 0.09) / 0.09).toBeGreaterThan(0.2);
  });

  it('Theil–Sen ignores a 10 % cluster of wild points', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i);
    const ys = xs.map((x, i) => (i % 10 === 3 ? 500 : 2 + 0.5 * x));
    const { a, b } = theilSen(xs, ys);
    expect(b).toBeCloseTo(0.5, 6);
    expect(a).toBeCloseTo(2, 6);
  });
});
