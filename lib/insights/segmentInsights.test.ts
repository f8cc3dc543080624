import fc from 'fast-check';
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { CellTotals } from './cellTotals.ts';
import { coverageOf, hotspotRows, segmentRows } from './segmentInsights.ts';

const cells = Array.from({ length: 12 }, (_, i) => latLngToCell(40.45, -79.98 + i * 0.002, 10));

const totals = fc
  .array(
    fc.record({
      i: fc.integer({ min: 0, max: cells.length - 1 }),
      cameraDays: fc.nat({ max: 12 }),
      passes: fc.nat({ max: 100 }),
      brakes: fc.nat({ max: 10 }),
      nearMisses: fc.nat({ max: 10 }),
    }),
    { maxLength: 12 },
  )
  .map((rows) => {
    const byCell = new Map<string, CellTotals>();
    for (const r of rows) {
      const cell = cells[r.i]!;
      byCell.set(cell, {
        cell,
        cameraDays: r.cameraDays,
        passes: r.passes,
        exposureM: r.passes * 100,
        brakes: r.brakes,
        nearMisses: r.nearMisses,
        speeds: r.passes > 0 ? { '12': r.passes } : {},
      });
    }
    return [...byCell.values()];
  });

describe('segment insights', () => {
  it('never emits a segment, hotspot or covered cell below k', () => {
    fc.assert(
      fc.property(totals, fc.integer({ min: 1, max: 10 }), (t, k) => {
        const under = new Set(t.filter((c) => c.cameraDays < k).map((c) => c.cell));
        for (const s of segmentRows(t, k)) expect(under.has(s.cell)).toBe(false);
        for (const h of hotspotRows(t, 'hard_brake', 100, k)) expect(under.has(h.cell)).toBe(false);
        const cov = coverageOf(new Set(cells), t, k);
        expect(cov.coveredCells).toBe(t.length - under.size);
      }),
    );
  });

  it('ranks hotspots by the lower bound of their interval, not the raw rate', () => {
    const base = { cameraDays: 10, nearMisses: 0, speeds: {} };
    const lucky: CellTotals = { ...base, cell: cells[0]!, passes: 2, exposureM: 200, brakes: 1 };
    const steady: CellTotals = { ...base, cell: cells[1]!, passes: 3000, exposureM: 300_000, brakes: 40 };
    const ranked = hotspotRows([lucky, steady], 'hard_brake', 10, 5);
    expect(ranked.map((r) => r.cell)).toEqual([steady.cell, lucky.cell]);
    expect(ranked[1]!.ratePer100Km.value).toBeGreaterThan(ranked[0]!.ratePer100Km.value);
  });
});
