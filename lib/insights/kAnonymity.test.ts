import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cameraDaysLowerBound, kAnonymous } from './kAnonymity.ts';

describe('the k-anonymity filter', () => {
  it('never emits an item below k, and keeps every item at or above it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.nat(), cameraDays: fc.nat({ max: 20 }) })),
        fc.integer({ min: 0, max: 12 }),
        (items, k) => {
          const kept = kAnonymous(items, k);
          for (const i of kept) expect(i.cameraDays).toBeGreaterThanOrEqual(Math.max(1, k));
          expect(kept.length).toBe(items.filter((i) => i.cameraDays >= Math.max(1, k)).length);
        },
      ),
    );
  });

  it('withholds a cell seen on three camera-days at the default k of five', () => {
    expect(kAnonymous([{ cameraDays: 3 }, { cameraDays: 5 }])).toEqual([{ cameraDays: 5 }]);
  });

  it('counts only the largest of a day’s pooled counts, since they may share cameras', () => {
    const perDay = new Map([
      ['d1', [3, 4]],
      ['d2', [2]],
    ]);
    expect(cameraDaysLowerBound(perDay)).toBe(6);
  });
});
