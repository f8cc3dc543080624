/**
 * Trends of a soak run: least-squares slopes of a sampled series with a confidence interval,
 * and the verdict "flat / growing / inconclusive" against a stated bound. Pure: the soak
 * command (`bin/commands/soak.ts`) samples, this decides.
 */

/** A least-squares line through (x, y) points, with the 95 % interval of its slope. */
export interface Trend {
  /** Slope in y units per x unit. */
  slope: number;
  /** Half-width of the slope's 95 % confidence interval (Student t, n − 2 degrees of freedom). */
  slopeCi95: number;
  intercept: number;
  points: number;
}

/** Error family of trend fitting. */
export class TrendError extends Error {
  override readonly name = 'TrendError';
  constructor(
    readonly code: 'TOO_FEW_POINTS' | 'NOT_FINITE',
    message: string,
  ) {
    super(message);
  }
}

/** Two-sided 95 % Student-t quantiles for 1..30 degrees of freedom; 1.96 beyond. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

function t95(df: number): number {
  return T95[df - 1] ?? 1.96;
}

/**
 * Fits `y = intercept + slope·x` by ordinary least squares. With three points or more the
 * slope comes with its 95 % interval; with exactly two the interval is infinite (a line
 * through two points says nothing about noise).
 *
 * @example fitTrend([0, 1, 2], [10, 12, 14]).slope // 2
 */
export function fitTrend(xs: readonly number[], ys: readonly number[]): Trend {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) throw new TrendError('TOO_FEW_POINTS', `a trend needs two points or more, got ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i]))
      throw new TrendError('NOT_FINITE', `point ${i} is not finite`);
  }
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  if (sxx === 0) throw new TrendError('TOO_FEW_POINTS', 'every point has the same x');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  if (n < 3) return { slope, slopeCi95: Number.POSITIVE_INFINITY, intercept, points: n };
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i]! - intercept - slope * xs[i]!) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  return { slope, slopeCi95: t95(n - 2) * se, intercept, points: n };
}

/** What a trend says against a bound on its slope. */
export type TrendVerdict = 'flat' | 'growing' | 'inconclusive';

/**
 * `flat` when the whole 95 % interval of the slope lies at or below `maxSlope`, `growing` when
 * it lies wholly above, `inconclusive` when it straddles the bound — the honest answer for a
 * run too short or too noisy to tell (run longer).
 *
 * @example trendVerdict({ slope: 1, slopeCi95: 0.5, intercept: 0, points: 10 }, 5) // 'flat'
 */
export function trendVerdict(trend: Trend, maxSlope: number): TrendVerdict {
  if (trend.slope + trend.slopeCi95 <= maxSlope) return 'flat';
  if (trend.slope - trend.slopeCi95 > maxSlope) return 'growing';
  return 'inconclusive';
}
