/**
 * Speed histograms: how the network stores "what speeds were driven here" without keeping a
 * single trace. 1 m/s bins (3.6 km/h) are finer than any speed-limit step and keep a cell's
 * histogram to a few dozen numbers, so it fits in a DynamoDB item beside its neighbours'.
 */

/** Width of a histogram bin, m/s. */
export const SPEED_BIN_MPS = 1;

/** Bin index → number of observations. Keys are bin indices as strings (a DynamoDB map). */
export type SpeedHistogram = Record<string, number>;

/** The bin a speed falls in: `[bin × SPEED_BIN_MPS, (bin + 1) × SPEED_BIN_MPS)`. */
export function speedBin(speedMps: number): number {
  return Math.max(0, Math.floor(speedMps / SPEED_BIN_MPS));
}

/** Adds `count` observations of `speedMps` to `into` (mutates and returns it). */
export function addSpeed(into: SpeedHistogram, speedMps: number, count = 1): SpeedHistogram {
  const bin = String(speedBin(speedMps));
  into[bin] = (into[bin] ?? 0) + count;
  return into;
}

/** Adds every bin of `from` to `into` (mutates and returns `into`). */
export function mergeHistogram(into: SpeedHistogram, from: Readonly<SpeedHistogram>): SpeedHistogram {
  for (const [bin, n] of Object.entries(from)) into[bin] = (into[bin] ?? 0) + n;
  return into;
}

/** Number of observations in a histogram. */
export function histogramTotal(h: Readonly<SpeedHistogram>): number {
  let n = 0;
  for (const v of Object.values(h)) n += v;
  return n;
}

function sortedBins(h: Readonly<SpeedHistogram>): [number, number][] {
  return Object.entries(h)
    .map(([b, n]) => [Number(b), n] as [number, number])
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
}

/**
 * The `q`-quantile (0..1) of the speeds in a histogram, m/s, interpolating linearly inside
 * the bin where the quantile falls (observations assumed spread evenly over their bin).
 * Undefined for an empty histogram. Monotone in `q`.
 *
 * @example speedQuantile({ '10': 1, '20': 1 }, 0.5) // 11 — the top of the first observation's bin
 */
export function speedQuantile(h: Readonly<SpeedHistogram>, q: number): number | undefined {
  const bins = sortedBins(h);
  const total = bins.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return undefined;
  const target = Math.min(1, Math.max(0, q)) * total;
  let below = 0;
  for (const [bin, n] of bins) {
    if (below + n >= target) {
      const within = (target - below) / n;
      return (bin + within) * SPEED_BIN_MPS;
    }
    below += n;
  }
  const last = bins.at(-1)!;
  return (last[0] + 1) * SPEED_BIN_MPS;
}

/**
 * Percentile rank (0..100) of a speed among the histogram's observations: the share observed
 * slower, counting the speed's own bin in proportion to where the speed lies inside it.
 * Undefined for an empty histogram. Monotone in `speedMps`.
 */
export function percentileRank(h: Readonly<SpeedHistogram>, speedMps: number): number | undefined {
  const bins = sortedBins(h);
  const total = bins.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return undefined;
  const x = speedMps / SPEED_BIN_MPS;
  let below = 0;
  for (const [bin, n] of bins) {
    if (x >= bin + 1) below += n;
    else if (x > bin) below += n * (x - bin);
  }
  return (100 * below) / total;
}

/** The speed quantiles the insights report, rounded to 0.1 m/s. */
export interface SpeedSummary {
  p50: number;
  p85: number;
  p95: number;
}

/** p50/p85/p95 of a histogram, or undefined when it is empty. */
export function speedSummary(h: Readonly<SpeedHistogram>): SpeedSummary | undefined {
  const r = (v: number | undefined) => Math.round((v ?? 0) * 10) / 10;
  if (histogramTotal(h) === 0) return undefined;
  return { p50: r(speedQuantile(h, 0.5)), p85: r(speedQuantile(h, 0.85)), p95: r(speedQuantile(h, 0.95)) };
}
