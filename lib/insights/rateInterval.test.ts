import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poissonInterval, ratePer100Km, wilsonInterval } from './rateInterval.ts';

describe('rate intervals', () => {
  it('brackets the count, and the exact upper bound for zero events', () => {
    expect(poissonInterval(0)).toEqual({ low: 0, high: expect.closeTo(3.689, 3) });
    const ten = poissonInterval(10);
    // Exact Garwood interval for 10: 4.795 .. 18.39.
    expect(ten.low).toBeCloseTo(4.795, 1);
    expect(ten.high).toBeCloseTo(18.39, 1);
  });

  it('always contains the point estimate', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.double({ min: 1, max: 1e7, noNaN: true }), (x, m) => {
        const r = ratePer100Km(x, m)!;
        expect(r.low).toBeLessThanOrEqual(r.value + 1e-9);
        expect(r.high).toBeGreaterThanOrEqual(r.value);
      }),
    );
  });

  it('scales to events per 100 km and has no rate without exposure', () => {
    expect(ratePer100Km(3, 12_000)!.value).toBeCloseTo(25);
    expect(ratePer100Km(3, 0)).toBeUndefined();
  });

  it('keeps the Wilson interval inside 0..1', () => {
    fc.assert(
      fc.property(fc.nat({ max: 500 }), fc.integer({ min: 1, max: 500 }), (s, n) => {
        const w = wilsonInterval(Math.min(s, n), n)!;
        expect(w.low).toBeGreaterThanOrEqual(0);
        expect(w.high).toBeLessThanOrEqual(1);
        expect(w.low).toBeLessThanOrEqual(w.value + 1e-9);
      }),
    );
  });
});
