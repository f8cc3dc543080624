import { cellToParent, getResolution, isValidCell } from 'h3-js';
import type { DayCell } from '../insights/dayRollup.ts';
import { DEFAULT_K } from '../insights/kAnonymity.ts';
import { SPEED_BIN_MPS } from '../insights/speedHistogram.ts';
import { PriorsError } from './priorsError.ts';
import { fitGammaPrior, type GammaPrior, type PriorFitMethod, posteriorOf } from './shrinkage.ts';

/**
 * Cells of the priors: H3 res 8 (~0.74 km², ~460 m edge), the insights' partition. A res-10
 * cell (~100 m of road) sees a near miss every few thousand passes at best, far too few for a
 * rate; a res-8 cell pools a junction with its approaches, which is where conflicts come from.
 */
export const PRIOR_CELL_RESOLUTION = 8;

/**
 * Tile area: an H3 res-4 cell (~1,770 km², a city and its ring roads). Coarser tiles would make
 * every camera download its neighbours' towns; finer ones (res 5, ~250 km²) would make a
 * commuter cross several per trip. Fully covered, a res-4 tile has 2,401 cells: 9.6 KB.
 */
export const DEFAULT_TILE_RESOLUTION = 4;

/**
 * What a rate is per. `hour` (default): near misses per hour of driving through the cell — the
 * camera's score is a probability per moment of driving, so a per-time ratio is what shifts its
 * odds; per distance would make a slow junction queue look safer than it is for the same minutes
 * spent in it, and a motorway (much distance in little time) look safer still. `100km`: as the
 * insights report near misses.
 */
export type ExposureUnit = 'hour' | '100km';

/**
 * Entry speeds below this count as this when turning metres into time: a car entering a cell at
 * a standstill in a queue does not stay stopped for the whole cell, and 0 would make it infinite.
 */
export const MIN_TRAVERSAL_SPEED_MPS = 2;

/** Without any recorded speed (every trip entry has one, so only hand-made data): urban 36 km/h. */
const FALLBACK_SPEED_MPS = 10;

/**
 * Hours spent in a cell-day's passes, estimated from the insights' figures: each pass drove the
 * mean metres per pass at its entry speed (the speed histogram's bin centre, floored at
 * {@link MIN_TRAVERSAL_SPEED_MPS}); passes without a recorded speed count at the others' mean.
 * Trip paths have one entry per res-10 cell (~100 m), so a res-8 cell's passes sample its speed
 * profile every ~100 m: close enough for time.
 */
export function exposureHours(c: Readonly<DayCell>): number {
  if (c.passes <= 0 || c.exposureM <= 0) return 0;
  const metresPerPass = c.exposureM / c.passes;
  let seconds = 0;
  let counted = 0;
  for (const [bin, n] of Object.entries(c.speeds)) {
    const speedMps = Math.max(MIN_TRAVERSAL_SPEED_MPS, (Number(bin) + 0.5) * SPEED_BIN_MPS);
    seconds += (n * metresPerPass) / speedMps;
    counted += n;
  }
  if (counted === 0) return c.exposureM / FALLBACK_SPEED_MPS / 3600;
  return (seconds * (c.passes / counted)) / 3600;
}

/** One res-8 cell's prior, as it goes into a tile. */
export interface CellPrior {
  /** H3 res-8 cell. */
  cell: string;
  exposureKm: number;
  exposureH: number;
  nearMisses: number;
  /** Camera-days behind the cell (lower bound: the busiest res-10 child per day, see kAnonymity.ts). */
  cameraDays: number;
  /** Posterior mean near misses per {@link RegionPriors.unit}. */
  rate: number;
  /** ln(posterior rate / regional rate). */
  logRateRatio: number;
  /** Credibility weight E / (β + E) in [0, 1). */
  evidenceWeight: number;
}

/** The priors of one region (the tile's parent cell). */
export interface RegionPriors {
  /** H3 cell of the region (the tile's parent). */
  region: string;
  /** The cells meeting k, by cell id. */
  cells: CellPrior[];
  /** What the rates are per. */
  unit: ExposureUnit;
  /** The fitted regional prior (mean rate per unit, shape, rate in units of exposure). */
  prior: GammaPrior;
  exposureKm: number;
  exposureH: number;
  nearMisses: number;
}

/** Options of {@link regionPriors}. */
export interface RegionPriorsOptions {
  /** Minimum camera-days for a cell to get a value (k-anonymity, as the insights). Default 5. */
  k?: number;
  /**
   * The insights' atom rule: a (res-10 cell, UTC day) seen by fewer cameras contributes nothing,
   * so two tiles over overlapping periods cannot be differenced into one camera's day. Default k,
   * as the insurer answers (functions/http/insights.ts).
   */
  minCamerasPerDay?: number;
  method?: PriorFitMethod;
  /** Default `hour`. */
  unit?: ExposureUnit;
}

interface Acc {
  exposureM: number;
  exposureH: number;
  nearMisses: number;
  cameraDays: number;
}

/**
 * Per res-8 cell of `region`: near misses per hour (or per 100 km) with gamma–Poisson shrinkage towards the
 * region's rate, for the cells whose camera-days reach k; the others get nothing (the camera
 * then runs its plain model there). The regional prior is fitted on those same k-anonymous
 * cells, so nothing in the output depends on a cell below k.
 *
 * `days`: the insights' day aggregates (res-10 cells → counts and distinct cameras), each
 * record one UTC day of one partition, as `InsightsStore.days` returns them.
 *
 * @throws PriorsError `BAD_INPUT` when `region` is not an H3 cell coarser than res 8
 */
export function regionPriors(
  days: Iterable<Readonly<Record<string, DayCell>>>,
  region: string,
  options: RegionPriorsOptions = {},
): RegionPriors {
  if (!isValidCell(region) || getResolution(region) >= PRIOR_CELL_RESOLUTION)
    throw new PriorsError(
      'BAD_INPUT',
      `region ${region} is not an H3 cell coarser than res ${PRIOR_CELL_RESOLUTION}`,
    );
  const regionRes = getResolution(region);
  const k = Math.max(1, options.k ?? DEFAULT_K);
  const minCameras = options.minCamerasPerDay ?? k;
  const acc = new Map<string, Acc>();
  for (const day of days) {
    const busiest = new Map<string, number>();
    for (const [cell, c] of Object.entries(day)) {
      if (c.cameras < minCameras || !isValidCell(cell) || getResolution(cell) < PRIOR_CELL_RESOLUTION)
        continue;
      const parent = cellToParent(cell, PRIOR_CELL_RESOLUTION);
      if (cellToParent(parent, regionRes) !== region) continue;
      let a = acc.get(parent);
      if (!a) {
        a = { exposureM: 0, exposureH: 0, nearMisses: 0, cameraDays: 0 };
        acc.set(parent, a);
      }
      a.exposureM += c.exposureM;
      a.exposureH += exposureHours(c);
      a.nearMisses += c.nearMisses;
      busiest.set(parent, Math.max(busiest.get(parent) ?? 0, c.cameras));
    }
    // The same camera may have driven several res-10 children that day: only the busiest is certain.
    for (const [parent, cameras] of busiest) acc.get(parent)!.cameraDays += cameras;
  }
  const covered = [...acc.entries()]
    .filter(([, a]) => a.cameraDays >= k && a.exposureM > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const unit = options.unit ?? 'hour';
  const observations = covered.map(([, a]) => ({
    events: a.nearMisses,
    exposure: unit === 'hour' ? a.exposureH : a.exposureM / 100_000,
  }));
  const prior = fitGammaPrior(observations, options.method);
  const cells = covered.map(([cell, a], i) => {
    const post = posteriorOf(observations[i]!, prior);
    return {
      cell,
      exposureKm: a.exposureM / 1000,
      exposureH: a.exposureH,
      nearMisses: a.nearMisses,
      cameraDays: a.cameraDays,
      rate: post.rate,
      logRateRatio: post.logRateRatio,
      evidenceWeight: post.evidenceWeight,
    };
  });
  return {
    region,
    cells,
    unit,
    prior,
    exposureKm: covered.reduce((s, [, a]) => s + a.exposureM, 0) / 1000,
    exposureH: covered.reduce((s, [, a]) => s + a.exposureH, 0),
    nearMisses: covered.reduce((s, [, a]) => s + a.nearMisses, 0),
  };
}
