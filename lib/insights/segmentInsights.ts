import { cellToLatLng } from 'h3-js';
import type { CellTotals } from './cellTotals.ts';
import { DEFAULT_K, kAnonymous } from './kAnonymity.ts';
import { type Estimate, ratePer100Km } from './rateInterval.ts';
import { type SpeedSummary, speedSummary } from './speedHistogram.ts';

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const roundEstimate = (e: Estimate | undefined) =>
  e ? { value: round(e.value, 2), low: round(e.low, 2), high: round(e.high, 2) } : null;

/** One road cell as `GET /v1/insights/segments` reports it. */
export interface SegmentRow {
  cell: string;
  lat: number;
  lng: number;
  exposureKm: number;
  passes: number;
  /** Distinct cameras, counted as camera-days (pseudonyms are unlinkable across days). */
  cameras: number;
  hardBrakesPer100Km: number | null;
  nearMissesPer100Km: number | null;
  speedMps: SpeedSummary | null;
}

function centre(cell: string): { lat: number; lng: number } {
  const [lat, lng] = cellToLatLng(cell);
  return { lat: round(lat, 6), lng: round(lng, 6) };
}

/**
 * The segments answer: cells meeting k, busiest first. Cells below k are dropped without a
 * trace — not even their number is reported, since "one withheld cell in this box" already
 * says that someone drove there.
 */
export function segmentRows(totals: Iterable<CellTotals>, k = DEFAULT_K): SegmentRow[] {
  return kAnonymous([...totals], k)
    .sort((a, b) => b.exposureM - a.exposureM || a.cell.localeCompare(b.cell))
    .map((t) => ({
      cell: t.cell,
      ...centre(t.cell),
      exposureKm: round(t.exposureM / 1000, 3),
      passes: t.passes,
      cameras: t.cameraDays,
      hardBrakesPer100Km: roundEstimate(ratePer100Km(t.brakes, t.exposureM))?.value ?? null,
      nearMissesPer100Km: roundEstimate(ratePer100Km(t.nearMisses, t.exposureM))?.value ?? null,
      speedMps: speedSummary(t.speeds) ?? null,
    }));
}

/** Which events a hotspot ranking counts. */
export type HotspotMetric = 'near_miss' | 'hard_brake';

/** One ranked hotspot. */
export interface HotspotRow {
  rank: number;
  cell: string;
  lat: number;
  lng: number;
  events: number;
  exposureKm: number;
  cameras: number;
  /** Events per 100 km driven through the cell, with its 95 % Poisson interval. */
  ratePer100Km: { value: number; low: number; high: number };
}

/**
 * Hotspots: k-anonymous cells with at least one event and some exposure, ranked by the lower
 * bound of the rate's 95 % interval — a cell with one brake in 200 m of driving has a huge
 * point rate but a lower bound near zero, so it does not outrank a junction with forty brakes
 * in 300 km. Ties break on the point rate, then the cell id (stable order).
 */
export function hotspotRows(
  totals: Iterable<CellTotals>,
  metric: HotspotMetric,
  limit: number,
  k = DEFAULT_K,
): HotspotRow[] {
  const eventsOf = (t: CellTotals) => (metric === 'near_miss' ? t.nearMisses : t.brakes);
  const rated = kAnonymous([...totals], k).flatMap((t) => {
    const rate = ratePer100Km(eventsOf(t), t.exposureM);
    return rate && eventsOf(t) > 0 ? [{ t, rate }] : [];
  });
  rated.sort(
    (a, b) => b.rate.low - a.rate.low || b.rate.value - a.rate.value || a.t.cell.localeCompare(b.t.cell),
  );
  return rated.slice(0, limit).map(({ t, rate }, i) => ({
    rank: i + 1,
    cell: t.cell,
    ...centre(t.cell),
    events: eventsOf(t),
    exposureKm: round(t.exposureM / 1000, 3),
    cameras: t.cameraDays,
    ratePer100Km: roundEstimate(rate)!,
  }));
}

/** Coverage of road cells in an area and interval. */
export interface Coverage {
  roadCells: number;
  coveredCells: number;
  /** coveredCells / roadCells, 0 when the area has no road cells. */
  share: number;
}

/**
 * Share of road cells covered: a road cell counts as covered when the interval's observations
 * of it meet k — the cells an insurer can actually get figures for, and no finer a signal than
 * the segments answer gives.
 */
export function coverageOf(
  roadCells: ReadonlySet<string>,
  totals: Iterable<CellTotals>,
  k = DEFAULT_K,
): Coverage {
  const covered = kAnonymous(
    [...totals].filter((t) => roadCells.has(t.cell)),
    k,
  ).length;
  return {
    roadCells: roadCells.size,
    coveredCells: covered,
    share: roadCells.size === 0 ? 0 : round(covered / roadCells.size, 4),
  };
}
