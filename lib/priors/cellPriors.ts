import { cellToParent, getResolution, isValidCell } from 'h3-js';
import type { DayCell } from '../insights/dayRollup.ts';
import { DEFAULT_K } from '../insights/kAnonymity.ts';
import { PriorsError } from './priorsError.ts';
import { fitGammaPrior, type GammaPrior, type PriorFitMethod, posteriorOf } from './shrinkage.ts';

/**
 * Cells of the priors: H3 res 8 (~0.74 km², ~460 m edge), the insights' partition. A res-10
 * cell (~100 m of road) sees a near miss every few thousand passes at best, far too few for a
 * rate; a res-8 cell pools a junction with its approaches, which is where conflicts come from.
 */
export const PRIOR_CELL_RESOLUTION = 8;

/** Exposure unit of the rates: 100 km driven, as the insights report near misses. */
const EXPOSURE_UNIT_M = 100_000;

/** One res-8 cell's prior, as it goes into a tile. */
export interface CellPrior {
  /** H3 res-8 cell. */
  cell: string;
  exposureKm: number;
  nearMisses: number;
  /** Camera-days behind the cell (lower bound: the busiest res-10 child per day, see kAnonymity.ts). */
  cameraDays: number;
  /** Posterior mean near misses per 100 km. */
  nearMissesPer100Km: number;
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
  /** The fitted regional prior (mean rate per 100 km, shape, rate in 100 km). */
  prior: GammaPrior;
  exposureKm: number;
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
}

interface Acc {
  exposureM: number;
  nearMisses: number;
  cameraDays: number;
}

/**
 * Per res-8 cell of `region`: near misses per 100 km with gamma–Poisson shrinkage towards the
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
        a = { exposureM: 0, nearMisses: 0, cameraDays: 0 };
        acc.set(parent, a);
      }
      a.exposureM += c.exposureM;
      a.nearMisses += c.nearMisses;
      busiest.set(parent, Math.max(busiest.get(parent) ?? 0, c.cameras));
    }
    // The same camera may have driven several res-10 children that day: only the busiest is certain.
    for (const [parent, cameras] of busiest) acc.get(parent)!.cameraDays += cameras;
  }
  const covered = [...acc.entries()]
    .filter(([, a]) => a.cameraDays >= k && a.exposureM > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const observations = covered.map(([, a]) => ({
    events: a.nearMisses,
    exposure: a.exposureM / EXPOSURE_UNIT_M,
  }));
  const prior = fitGammaPrior(observations, options.method);
  const cells = covered.map(([cell, a], i) => {
    const post = posteriorOf(observations[i]!, prior);
    return {
      cell,
      exposureKm: a.exposureM / 1000,
      nearMisses: a.nearMisses,
      cameraDays: a.cameraDays,
      nearMissesPer100Km: post.rate,
      logRateRatio: post.logRateRatio,
      evidenceWeight: post.evidenceWeight,
    };
  });
  return {
    region,
    cells,
    prior,
    exposureKm: covered.reduce((s, [, a]) => s + a.exposureM, 0) / 1000,
    nearMisses: covered.reduce((s, [, a]) => s + a.nearMisses, 0),
  };
}
