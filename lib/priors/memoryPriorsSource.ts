import { cellToParent } from 'h3-js';
import type { DayCell } from '../insights/dayRollup.ts';
import { PRIOR_CELL_RESOLUTION } from './cellPriors.ts';
import type { PriorsSource } from './priorsSource.ts';

/**
 * A {@link PriorsSource} over day aggregates held in memory (tests, the bench, a file export):
 * `days` maps a UTC day (`YYYY-MM-DD`) to its res-10 cells; they are split per res-8 partition
 * as the insights table stores them.
 */
export function memoryPriorsSource(
  days: ReadonlyMap<string, Readonly<Record<string, DayCell>>>,
): PriorsSource {
  const byPartition = new Map<string, Map<string, Record<string, DayCell>>>();
  for (const [day, cells] of days) {
    for (const [cell, c] of Object.entries(cells)) {
      const partition = cellToParent(cell, PRIOR_CELL_RESOLUTION);
      let p = byPartition.get(partition);
      if (!p) {
        p = new Map();
        byPartition.set(partition, p);
      }
      let d = p.get(day);
      if (!d) {
        d = {};
        p.set(day, d);
      }
      d[cell] = c;
    }
  }
  return {
    async observedPartitions(candidates) {
      return candidates.filter((c) => byPartition.has(c));
    },
    async days(partitions, fromDay, toDay) {
      const out: Record<string, DayCell>[] = [];
      for (const p of new Set(partitions))
        for (const [day, cells] of byPartition.get(p) ?? [])
          if (day >= fromDay && day <= toDay) out.push(cells);
      return out;
    },
  };
}
