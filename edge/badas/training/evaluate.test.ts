import { describe, expect, it } from 'vitest';
import { averagePrecision, fcwScore, rocAuc } from './evaluate.ts';

describe('BADAS evaluation figures', () => {
  it('gives AP 1 and AUC 1 to a perfect ranking', () => {
    expect(averagePrecision([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
  });

  it('computes AP step-wise over the precision–recall curve', () => {
    // Ranked: 1, 0, 1 → precision 1 at recall 0.5, 2/3 at recall 1: AP = 0.5 + 0.5·2/3.
    expect(averagePrecision([0.9, 0.8, 0.7], [1, 0, 1])).toBeCloseTo(0.5 + 1 / 3, 10);
  });

  it('counts tied scores as half in AUC', () => {
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5);
  });

  it('scores the FCW baseline 1 exactly at TTC 2.7 s and 0 without a closing lead', () => {
    expect(
      fcwScore({ tS: 0, egoSpeedMps: 10, egoAccelMps2: 0, leadGapM: 27, leadClosingMps: 10 }),
    ).toBeCloseTo(1, 10);
    expect(fcwScore({ tS: 0, egoSpeedMps: 10, egoAccelMps2: 0, leadGapM: 27, leadClosingMps: -1 })).toBe(0);
    expect(fcwScore({ tS: 0, egoSpeedMps: 10, egoAccelMps2: 0 })).toBe(0);
  });
});
