import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { DayCell } from '../insights/dayRollup.ts';
import { exposureHours, PRIOR_CELL_RESOLUTION, regionPriors } from './cellPriors.ts';
import { PriorsError } from './priorsError.ts';

const REGION = cellToParent(latLngToCell(40.44, -79.99, 8), 4);
const CELLS8 = cellToChildren(REGION, PRIOR_CELL_RESOLUTION).slice(0, 12);
/** The first res-10 child of a res-8 cell (the road through it). */
const road = (cell8: string, i = 0) => cellToChildren(cell8, 10)[i]!;

function dayCell(over: Partial<DayCell> = {}): DayCell {
  return { passes: 10, exposureM: 1000, brakes: 0, nearMisses: 0, speeds: {}, cameras: 5, ...over };
}

/** `days` days in which every one of CELLS8 is driven 50 km by 6 cameras, with `nearMisses(i)` each day. */
function history(days: number, nearMisses: (i: number) => number): Record<string, DayCell>[] {
  return Array.from({ length: days }, () =>
    Object.fromEntries(
      CELLS8.map((c, i) => [road(c), dayCell({ exposureM: 50_000, cameras: 6, nearMisses: nearMisses(i) })]),
    ),
  );
}

describe('regionPriors', () => {
  it('gives a value only to cells whose camera-days reach k', () => {
    const days = history(4, () => 1);
    // One more cell, seen on 4 camera-days only (one day, four cameras).
    const thin = cellToChildren(REGION, PRIOR_CELL_RESOLUTION)[20]!;
    days[0]![road(thin)] = dayCell({ cameras: 4, nearMisses: 3 });
    const out = regionPriors(days, REGION, { k: 5, minCamerasPerDay: 1 });
    expect(out.cells.map((c) => c.cell)).toEqual([...CELLS8].sort());
    expect(out.cells.some((c) => c.cell === thin)).toBe(false);
    // With k = 4 it would be in.
    expect(regionPriors(days, REGION, { k: 4, minCamerasPerDay: 1 }).cells.some((c) => c.cell === thin)).toBe(
      true,
    );
  });

  it('counts camera-days as the busiest res-10 child per day, not their sum', () => {
    const cell = CELLS8[0]!;
    // Two res-10 children of one res-8 cell, 3 cameras each on the same day: maybe the same 3.
    const day = { [road(cell, 0)]: dayCell({ cameras: 3 }), [road(cell, 1)]: dayCell({ cameras: 3 }) };
    const out = regionPriors([day, day], REGION, { k: 6, minCamerasPerDay: 1 });
    expect(out.cells).toHaveLength(1);
    expect(out.cells[0]).toMatchObject({ cell, cameraDays: 6, exposureKm: 4 });
    expect(regionPriors([day], REGION, { k: 6, minCamerasPerDay: 1 }).cells).toHaveLength(0);
  });

  it('drops (cell, day) atoms seen by fewer than minCamerasPerDay cameras', () => {
    const days = history(3, () => 0);
    days[0]![road(CELLS8[1]!)] = dayCell({ cameras: 2, nearMisses: 50, exposureM: 50_000 });
    const out = regionPriors(days, REGION, { k: 5 });
    expect(out.cells.find((c) => c.cell === CELLS8[1])?.nearMisses).toBe(0);
  });

  it('ignores cells outside the region', () => {
    const days = history(3, () => 1);
    const elsewhere = latLngToCell(48.85, 2.35, 10);
    days[0]![elsewhere] = dayCell({ cameras: 9 });
    expect(regionPriors(days, REGION).cells).toHaveLength(CELLS8.length);
  });

  it('ranks the cell with many near misses above the region and the quiet ones below', () => {
    const out = regionPriors(
      history(20, (i) => (i === 0 ? 6 : i < 6 ? 1 : 0)),
      REGION,
      { unit: '100km' },
    );
    const hot = out.cells.find((c) => c.cell === CELLS8[0])!;
    const quiet = out.cells.find((c) => c.cell === CELLS8[11])!;
    expect(hot.logRateRatio).toBeGreaterThan(1);
    expect(quiet.logRateRatio).toBeLessThan(-0.5);
    expect(out.prior.meanRate).toBeCloseTo((20 * 11) / (20 * 12 * 0.5), 6);
  });

  it('measures exposure in hours from the passes and their entry speeds', () => {
    // 10 passes of 100 m: 5 entered at 10.5 m/s, 5 at a standstill (counted at 2 m/s).
    const c = dayCell({ passes: 10, exposureM: 1000, speeds: { '10': 5, '0': 5 } });
    expect(exposureHours(c)).toBeCloseTo((5 * 100) / 10.5 / 3600 + (5 * 100) / 2 / 3600, 9);
    // Half the passes without a speed count at the others' mean.
    expect(exposureHours({ ...c, speeds: { '10': 5 } })).toBeCloseTo((10 * 100) / 10.5 / 3600, 9);
  });

  it('rates per hour by default: of two cells with as many near misses per km, the faster is riskier per hour', () => {
    const [fast, slow] = [CELLS8[0]!, CELLS8[1]!];
    const days = Array.from({ length: 10 }, () => ({
      [road(fast)]: dayCell({
        passes: 100,
        exposureM: 20_000,
        nearMisses: 2,
        cameras: 6,
        speeds: { '25': 100 },
      }),
      [road(slow)]: dayCell({
        passes: 100,
        exposureM: 20_000,
        nearMisses: 2,
        cameras: 6,
        speeds: { '5': 100 },
      }),
    }));
    const perHour = regionPriors(days, REGION);
    const perKm = regionPriors(days, REGION, { unit: '100km' });
    expect(perHour.unit).toBe('hour');
    expect(perKm.cells.map((c) => c.rate)).toEqual([perKm.prior.meanRate, perKm.prior.meanRate]);
    const bySlow = (o: typeof perHour) => o.cells.find((c) => c.cell === slow)!.rate;
    const byFast = (o: typeof perHour) => o.cells.find((c) => c.cell === fast)!.rate;
    expect(bySlow(perHour)).toBeLessThan(byFast(perHour));
  });

  it('refuses a region that is not a coarser H3 cell', () => {
    expect(() => regionPriors([], 'nope')).toThrow(PriorsError);
    expect(() => regionPriors([], CELLS8[0]!)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
