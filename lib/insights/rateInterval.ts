/**
 * Confidence intervals for the rates the insights report. A hotspot ranked on a raw rate is
 * usually a cell with one brake in 200 m of driving; the intervals say how much to trust it.
 */

/** Two-sided 95 % normal quantile. */
export const Z_95 = 1.959964;

/** A point estimate with its two-sided confidence interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

/**
 * Two-sided 95 % interval for the mean of a Poisson count `x`, by Byar's approximation
 * (within ~1 % of the exact Garwood interval for x ≥ 1; Breslow & Day 1987, §2.2). For x = 0
 * the lower bound is 0 and the upper bound the exact −ln(0.025) ≈ 3.689.
 */
export function poissonInterval(x: number, z = Z_95): { low: number; high: number } {
  const low = x === 0 ? 0 : x * (1 - 1 / (9 * x) - z / (3 * Math.sqrt(x))) ** 3;
  const x1 = x + 1;
  const high = x === 0 ? -Math.log(0.025) : x1 * (1 - 1 / (9 * x1) + z / (3 * Math.sqrt(x1))) ** 3;
  return { low: Math.max(0, low), high };
}

/**
 * Events per 100 km of exposure with a 95 % Poisson interval: the count is Poisson given the
 * distance driven, so the interval of the count scales to the rate. Undefined without exposure.
 *
 * @example ratePer100Km(3, 12_000) // { value: 25, low: ≈5.2, high: ≈73 }
 */
export function ratePer100Km(events: number, exposureM: number): Estimate | undefined {
  if (exposureM <= 0) return undefined;
  const per = 100_000 / exposureM;
  const { low, high } = poissonInterval(events);
  return { value: events * per, low: low * per, high: high * per };
}

/**
 * Wilson score interval of a proportion `successes / trials` (e.g. the share of passes that
 * braked); well-behaved at 0 and near 1, unlike the Wald interval. Undefined without trials.
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Estimate | undefined {
  if (trials <= 0) return undefined;
  const p = Math.min(1, successes / trials);
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
