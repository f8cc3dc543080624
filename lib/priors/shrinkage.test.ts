import { describe, expect, it } from 'vitest';
import { fitGammaPrior, posteriorOf, type RateObservation } from './shrinkage.ts';

/** A region whose true rates differ: 20 quieter cells at 1.5 per unit, 10 busier ones at 2.5, much exposure each. */
function region(): RateObservation[] {
  const cells: RateObservation[] = [];
  for (let i = 0; i < 20; i++) cells.push({ events: 60 + (i % 5) - 2, exposure: 40 });
  for (let i = 0; i < 10; i++) cells.push({ events: 100 + (i % 7) - 3, exposure: 40 });
  return cells;
}

describe('fitGammaPrior / posteriorOf', () => {
  for (const method of ['marginal_likelihood', 'moments'] as const) {
    it(`pulls a cell with one event and little exposure to the regional rate (${method})`, () => {
      const prior = fitGammaPrior(region(), method);
      const thin = posteriorOf({ events: 1, exposure: 0.05 }, prior);
      // Raw rate 20 per unit, ten times the region's ~1.8: the posterior stays near the region.
      expect(prior.meanRate).toBeCloseTo(1.83, 1);
      expect(Math.abs(thin.logRateRatio)).toBeLessThan(0.15);
      expect(thin.evidenceWeight).toBeLessThan(0.1);
    });

    it(`lets a well-observed cell keep its own rate (${method})`, () => {
      const prior = fitGammaPrior(region(), method);
      const busy = posteriorOf({ events: 1000, exposure: 250 }, prior);
      expect(busy.rate).toBeGreaterThan(3.85);
      expect(busy.rate).toBeLessThan(4.01);
      expect(busy.evidenceWeight).toBeGreaterThan(0.9);
      expect(busy.logRateRatio).toBeCloseTo(Math.log(busy.rate / prior.meanRate), 10);
    });
  }

  it('shrinks every cell fully when the cells vary no more than Poisson noise', () => {
    const cells = Array.from({ length: 30 }, (_, i) => ({ events: 20 + ((i * 7) % 5) - 2, exposure: 10 }));
    const prior = fitGammaPrior(cells);
    expect(prior.shape).toBe(Number.POSITIVE_INFINITY);
    expect(posteriorOf({ events: 35, exposure: 10 }, prior)).toEqual({
      rate: prior.meanRate,
      logRateRatio: 0,
      evidenceWeight: 0,
    });
  });

  it('says nothing about any cell in a region without events', () => {
    const prior = fitGammaPrior([
      { events: 0, exposure: 5 },
      { events: 0, exposure: 8 },
    ]);
    expect(prior.meanRate).toBe(0);
    expect(posteriorOf({ events: 0, exposure: 5 }, prior).logRateRatio).toBe(0);
  });

  it('recovers the spread of gamma-distributed true rates by marginal likelihood', () => {
    // True rates from Gamma(shape 2, mean 3); counts at their expectation over 50 units each.
    const rates = [0.8, 1.3, 1.7, 2.0, 2.3, 2.6, 2.9, 3.3, 3.7, 4.2, 4.8, 5.6, 7.0, 1.0, 2.1, 3.0];
    const cells = rates.map((r) => ({ events: Math.round(r * 50), exposure: 50 }));
    const prior = fitGammaPrior(cells);
    // Sample variance of those rates ≈ 2.7 → shape ≈ mean²/var ≈ 3.3 (the 16 draws' own spread).
    expect(prior.shape).toBeGreaterThan(2);
    expect(prior.shape).toBeLessThan(5);
  });
});
