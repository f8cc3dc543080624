import type { HourCell } from './dayRollup.ts';
import { cameraDaysLowerBound, DEFAULT_K } from './kAnonymity.ts';
import {
  histogramTotal,
  mergeHistogram,
  percentileRank,
  type SpeedHistogram,
  type SpeedSummary,
  speedSummary,
} from './speedHistogram.ts';

/** One hour's speed cells of a partition (one item of the long-term table). */
export interface SpeedHourItem {
  epochHour: number;
  cells: Readonly<Record<string, HourCell>>;
}

/** The answer of `POST /v1/insights/speed-check`. */
export type SpeedCheckResult =
  | {
      withheld: false;
      /** `cell`: the claim's own cell; `neighbourhood`: the cell and its ring (too few at the cell). */
      scope: 'cell' | 'neighbourhood';
      /** Share of observed speeds below the claim, 0..100. */
      percentileRank: number;
      sampleSize: number;
      cameraDays: number;
      speedMps: SpeedSummary;
    }
  | { withheld: true; reason: string };

function pool(items: readonly SpeedHourItem[], cells: readonly string[], minCamerasPerHour: number) {
  const speeds: SpeedHistogram = {};
  const perDay = new Map<string, number[]>();
  for (const item of items) {
    const counts: number[] = [];
    for (const cell of cells) {
      const c = item.cells[cell];
      // The atom rule (docs/insights.md): an hour of a cell seen by fewer than k cameras adds
      // nothing, so moving `ts` by a week cannot difference one driver's hour out of the pool.
      if (!c || c.cameras < minCamerasPerHour) continue;
      mergeHistogram(speeds, c.speeds);
      counts.push(c.cameras);
    }
    // Each item is one epoch hour, so one day; pooled cells may share cameras (lower bound).
    const day = String(Math.floor(item.epochHour / 24));
    perDay.set(day, [...(perDay.get(day) ?? []), ...counts]);
  }
  return { speeds, cameraDays: cameraDaysLowerBound(perDay) };
}

/**
 * Where a claimed speed falls among the speeds the network observed at a place, at the same
 * hour of the week over several weeks. The claim's own cell first; when that rests on fewer
 * than k camera-days, the cell and its neighbours (the same stretch of road either side);
 * below k even then, withheld.
 */
export function speedCheck(opts: {
  items: readonly SpeedHourItem[];
  cell: string;
  neighbours: readonly string[];
  claimedSpeedMps: number;
  k?: number;
  /** Hours of a cell with fewer distinct cameras are left out of every pool (the API passes k). */
  minCamerasPerHour?: number;
}): SpeedCheckResult {
  const k = Math.max(1, opts.k ?? DEFAULT_K);
  const scopes = [
    { scope: 'cell' as const, cells: [opts.cell] },
    {
      scope: 'neighbourhood' as const,
      cells: [opts.cell, ...opts.neighbours.filter((c) => c !== opts.cell)],
    },
  ];
  for (const { scope, cells } of scopes) {
    const { speeds, cameraDays } = pool(opts.items, cells, opts.minCamerasPerHour ?? 1);
    if (cameraDays < k) continue;
    const rank = percentileRank(speeds, opts.claimedSpeedMps);
    const summary = speedSummary(speeds);
    if (rank === undefined || !summary) continue;
    return {
      withheld: false,
      scope,
      percentileRank: Math.round(rank * 10) / 10,
      sampleSize: histogramTotal(speeds),
      cameraDays,
      speedMps: summary,
    };
  }
  return { withheld: true, reason: `fewer than ${k} camera-days observed here at this hour of the week` };
}
