/**
 * Robust statistics for fleet calibration: medians, the median absolute deviation and M-estimator
 * regression. Fleet reports carry gross outliers — a dirty lens, oncoming headlights, a camera
 * with a broken noise estimator — and a mean or a least-squares fit follows every one of them;
 * these estimators give a bounded weight to any single report. Portable (the camera uses the
 * median too): only `Math`, no allocation beyond copies of the input.
 */

/** Median of `xs` (NaN for none). Does not modify the input. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The smallest x such that the weights of values ≤ x reach half the total (NaN for none). */
export function weightedMedian(xs: readonly number[], weights: readonly number[]): number {
  const idx = xs.map((_, i) => i).filter((i) => (weights[i] ?? 0) > 0);
  if (idx.length === 0) return Number.NaN;
  idx.sort((a, b) => (xs[a] as number) - (xs[b] as number));
  let total = 0;
  for (const i of idx) total += weights[i] as number;
  let acc = 0;
  for (const i of idx) {
    acc += weights[i] as number;
    if (acc >= total / 2) return xs[i] as number;
  }
  return xs[idx[idx.length - 1] as number] as number;
}

/** Quantile `q` (0..1) of `xs`, linear between order statistics (NaN for none). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const pos = Math.min(Math.max(q, 0), 1) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

/**
 * Median absolute deviation scaled to a normal σ (× 1.4826): the spread of the bulk, blind to
 * up to half of the values being wild.
 */
export function madSigma(xs: readonly number[]): number {
  const m = median(xs);
  return 1.4826 * median(xs.map((x) => Math.abs(x - m)));
}

/**
 * {@link madSigma} with weights: a row of weight 5 counts as five rows. Binned data need it —
 * a few well-filled bins can carry most reports while many sparse bins carry the rest.
 */
export function weightedMadSigma(xs: readonly number[], weights: readonly number[]): number {
  const m = weightedMedian(xs, weights);
  return (
    1.4826 *
    weightedMedian(
      xs.map((x) => Math.abs(x - m)),
      weights,
    )
  );
}

/** Options of {@link robustLinearFit}. */
export interface RobustFitOptions {
  /** Weight of each row before robustness (e.g. 1 / variance, or a cap per camera). Default 1. */
  weights?: readonly number[];
  /**
   * Huber's tuning constant in units of the residual scale: 1.345 gives 95 % efficiency on
   * normal errors (Huber 1981) while bounding any one row's pull.
   */
  huberK?: number;
  /**
   * Tukey bisquare constant for the final, redescending stage: rows beyond it get weight 0,
   * so gross outliers stop biasing the fit at all (4.685: 95 % efficiency). 0 skips the stage.
   */
  tukeyC?: number;
  iterations?: number;
}

/** A robust linear fit: coefficients, the residual scale and each row's final robustness weight. */
export interface RobustFit {
  coef: number[];
  scale: number;
  robustWeights: number[];
}

/**
 * Linear regression y ≈ X·coef that outliers cannot drag: iteratively reweighted least squares
 * with Huber weights (convex, so it converges from least squares to a unique answer), then a
 * few Tukey-bisquare iterations from there (an MM-style refinement that gives gross outliers
 * weight zero). The residual scale is re-estimated each round by the (weighted) MAD.
 */
export function robustLinearFit(
  x: readonly (readonly number[])[],
  y: readonly number[],
  options: RobustFitOptions = {},
): RobustFit {
  const n = y.length;
  const base = options.weights ?? y.map(() => 1);
  const huberK = options.huberK ?? 1.345;
  const tukeyC = options.tukeyC ?? 4.685;
  const iterations = options.iterations ?? 30;
  let w = base.slice();
  let coef = weightedLeastSquares(x, y, w);
  let scale = Number.NaN;
  const stage = (kind: 'huber' | 'tukey', rounds: number) => {
    for (let it = 0; it < rounds; it++) {
      const r = y.map((yi, i) => yi - dot(x[i] as readonly number[], coef));
      scale = weightedMadSigma(r, base) || 1e-12;
      w = r.map((ri, i) => {
        const u = Math.abs(ri) / scale;
        const rw =
          kind === 'huber' ? (u <= huberK ? 1 : huberK / u) : u >= tukeyC ? 0 : (1 - (u / tukeyC) ** 2) ** 2;
        return (base[i] as number) * rw;
      });
      const next = weightedLeastSquares(x, y, w);
      const moved = next.reduce((m, c, j) => Math.max(m, Math.abs(c - (coef[j] as number))), 0);
      coef = next;
      if (moved < 1e-10 * (1 + Math.max(...coef.map(Math.abs)))) break;
    }
  };
  stage('huber', iterations);
  if (tukeyC > 0) stage('tukey', Math.max(5, iterations >> 1));
  return {
    coef,
    scale,
    robustWeights: w.map((wi, i) => (n > 0 && (base[i] as number) > 0 ? wi / (base[i] as number) : 0)),
  };
}

/** Weighted least squares by the normal equations (few columns, so Gauss–Jordan is plenty). */
export function weightedLeastSquares(
  x: readonly (readonly number[])[],
  y: readonly number[],
  w: readonly number[],
): number[] {
  const p = (x[0] ?? []).length;
  const a: number[][] = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  for (let i = 0; i < y.length; i++) {
    const wi = w[i] as number;
    if (!(wi > 0)) continue;
    const xi = x[i] as readonly number[];
    for (let j = 0; j < p; j++) {
      const row = a[j] as number[];
      for (let k = 0; k < p; k++) row[k] = (row[k] as number) + wi * (xi[j] as number) * (xi[k] as number);
      row[p] = (row[p] as number) + wi * (xi[j] as number) * (y[i] as number);
    }
  }
  return solve(a, p);
}

function solve(a: number[][], p: number): number[] {
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[piv]![c]!)) piv = r;
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    const d = a[c]![c]!;
    if (Math.abs(d) < 1e-300) return new Array<number>(p).fill(Number.NaN);
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / d;
      if (f === 0) continue;
      for (let k = c; k <= p; k++) a[r]![k] = a[r]![k]! - f * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[p]! / row[i]!);
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Theil–Sen line y ≈ a + b·x: the median of all pairwise slopes, then the median intercept.
 * Breakdown point ~29 %. O(n²) pairs, so subsampled evenly beyond `maxPoints`.
 */
export function theilSen(
  xs: readonly number[],
  ys: readonly number[],
  maxPoints = 400,
): { a: number; b: number } {
  const step = Math.max(1, Math.ceil(xs.length / maxPoints));
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < xs.length; i += step) {
    px.push(xs[i] as number);
    py.push(ys[i] as number);
  }
  const slopes: number[] = [];
  for (let i = 0; i < px.length; i++)
    for (let j = i + 1; j < px.length; j++) {
      const dx = (px[j] as number) - (px[i] as number);
      if (dx !== 0) slopes.push(((py[j] as number) - (py[i] as number)) / dx);
    }
  const b = median(slopes);
  return { a: median(py.map((y, i) => y - b * (px[i] as number))), b };
}
