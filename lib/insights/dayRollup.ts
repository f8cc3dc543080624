import { addCounts, type CellCounts, emptyCounts } from './contributions.ts';
import { mergeHistogram, type SpeedHistogram } from './speedHistogram.ts';

/** A raw contribution as the rollup reads it back: one record's counts in one partition-hour. */
export interface RawContribution {
  epochHour: number;
  pseudonym: string;
  cells: Readonly<Record<string, CellCounts>>;
}

/** A cell's anonymous totals for one UTC day: the counts plus how many distinct cameras. */
export interface DayCell extends CellCounts {
  cameras: number;
}

/** A cell's speeds in one hour, with the distinct cameras they came from. */
export interface HourCell {
  cameras: number;
  speeds: SpeedHistogram;
}

/** One partition-day folded: per-cell day totals and per-hour speed cells; no pseudonym left. */
export interface DayRollup {
  cells: Record<string, DayCell>;
  hours: Map<number, Record<string, HourCell>>;
}

/**
 * Folds every raw contribution of one partition and UTC day into anonymous aggregates. Distinct
 * cameras are counted here, where the day's pseudonyms are still known, and then dropped: the
 * result names no camera. A pure function of the set of contributions, so recomputing a day
 * from the same raw items gives the same aggregates (the rollup overwrites, never adds).
 */
export function foldDay(raws: readonly RawContribution[]): DayRollup {
  const cells = new Map<string, { counts: CellCounts; cams: Set<string> }>();
  const hours = new Map<number, Map<string, { speeds: SpeedHistogram; cams: Set<string> }>>();
  for (const raw of raws) {
    let hour = hours.get(raw.epochHour);
    if (!hour) {
      hour = new Map();
      hours.set(raw.epochHour, hour);
    }
    for (const [cell, c] of Object.entries(raw.cells)) {
      let day = cells.get(cell);
      if (!day) {
        day = { counts: emptyCounts(), cams: new Set() };
        cells.set(cell, day);
      }
      addCounts(day.counts, c);
      day.cams.add(raw.pseudonym);
      if (c.passes > 0) {
        let h = hour.get(cell);
        if (!h) {
          h = { speeds: {}, cams: new Set() };
          hour.set(cell, h);
        }
        mergeHistogram(h.speeds, c.speeds);
        h.cams.add(raw.pseudonym);
      }
    }
  }
  const out: DayRollup = { cells: {}, hours: new Map() };
  for (const [cell, { counts, cams }] of cells) out.cells[cell] = { ...counts, cameras: cams.size };
  for (const [epochHour, byCell] of hours) {
    if (byCell.size === 0) continue;
    const rec: Record<string, HourCell> = {};
    for (const [cell, { speeds, cams }] of byCell) rec[cell] = { speeds, cameras: cams.size };
    out.hours.set(epochHour, rec);
  }
  return out;
}
