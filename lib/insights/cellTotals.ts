import { addCounts, type CellCounts, emptyCounts } from './contributions.ts';
import type { DayCell } from './dayRollup.ts';

/** A cell's totals over an interval: the day totals summed, and the camera-days behind them. */
export interface CellTotals extends CellCounts {
  cell: string;
  /** Σ over days of the distinct cameras seen that day (see kAnonymity.ts). */
  cameraDays: number;
}

/**
 * Sums per-day cell aggregates over the days of an interval, keeping the cells `keep` admits
 * (e.g. those whose centre lies in the query's box).
 *
 * `minCamerasPerDay` is the atom rule of the insurer answers: a (cell, UTC day) whose distinct
 * cameras fall below it contributes nothing at all. Every figure over any interval is then a sum
 * of atoms that each meet k, so the difference of two intervals' answers is again such a sum and
 * cannot isolate a day on which fewer than k cameras drove there (docs/insights.md).
 */
export function sumDays(
  days: Iterable<Readonly<Record<string, DayCell>>>,
  keep: (cell: string) => boolean = () => true,
  minCamerasPerDay = 1,
): Map<string, CellTotals> {
  const out = new Map<string, CellTotals>();
  for (const day of days) {
    for (const [cell, c] of Object.entries(day)) {
      if (c.cameras < minCamerasPerDay || !keep(cell)) continue;
      let t = out.get(cell);
      if (!t) {
        t = { cell, cameraDays: 0, ...emptyCounts() };
        out.set(cell, t);
      }
      addCounts(t, c);
      t.cameraDays += c.cameras;
    }
  }
  return out;
}
