/**
 * Empirical-Bayes shrinkage of per-cell event rates (gamma–Poisson). A cell's near-miss count
 * `y` over exposure `E` is Poisson(λ·E); the cells' true rates λ are drawn from one regional
 * Gamma(shape α, rate β). The posterior mean of a cell's rate is then (α + y) / (β + E): a cell
 * with little exposure stays near the regional mean α/β, a cell driven a lot keeps its own
 * y/E. Without this, the cell with one near miss in 300 m of driving would be the "most
 * dangerous road in town" (the same trap the hotspot ranking avoids with intervals,
 * lib/insights/rateInterval.ts). Clayton & Kaldor (1987, Biometrics 43) is the classic use on
 * small-area rates.
 */

/** One cell's observation: an event count and its exposure (any unit; rates come out per that unit). */
export interface RateObservation {
  events: number;
  exposure: number;
}

/** How the regional Gamma prior is fitted. */
export type PriorFitMethod = 'moments' | 'marginal_likelihood';

/** The fitted regional prior of the cells' rates. */
export interface GammaPrior {
  /** Regional rate: Σ events / Σ exposure (the prior's mean α/β). */
  meanRate: number;
  /** α. `Infinity` when the cells show no more spread than Poisson noise: every cell is shrunk to the mean. */
  shape: number;
  /** β = α / meanRate, in exposure units (the prior counts as β units of exposure at the mean rate). */
  rate: number;
  method: PriorFitMethod;
}

/** A cell's posterior under the regional prior. */
export interface RatePosterior {
  /** Posterior mean rate (α + y) / (β + E). */
  rate: number;
  /** ln(posterior rate / regional rate): > 0 riskier than the region, < 0 safer. */
  logRateRatio: number;
  /**
   * E / (β + E) in [0, 1): the share of the posterior mean that is the cell's own rate (the
   * credibility weight); 0 for no evidence, towards 1 for a cell driven far more than β.
   */
  evidenceWeight: number;
}

/** Bounds of the profile search over ln α: α from e⁻⁶ (wild spread) to e¹⁴ (practically none). */
const LN_SHAPE_MIN = -6;
const LN_SHAPE_MAX = 14;

/**
 * Method of moments (Clayton & Kaldor 1987): the exposure-weighted variance of the raw rates,
 * minus the part Poisson noise alone explains (mean / average exposure), is the prior's variance.
 */
function momentsShape(cells: readonly RateObservation[], meanRate: number): number {
  const total = cells.reduce((a, c) => a + c.exposure, 0);
  let spread = 0;
  for (const c of cells) spread += c.exposure * (c.events / c.exposure - meanRate) ** 2;
  const variance = spread / total - meanRate / (total / cells.length);
  return variance > 0 ? meanRate ** 2 / variance : Number.POSITIVE_INFINITY;
}

/**
 * Marginal log-likelihood of the counts under Gamma(α, α/m): each count is negative binomial.
 * ln Γ(y+α) − ln Γ(α) is summed as Σ ln(α + j) (counts are integers), exact and cheap.
 */
function marginalLogLik(cells: readonly RateObservation[], meanRate: number, shape: number): number {
  let ll = 0;
  for (const c of cells) {
    const mu = meanRate * c.exposure;
    for (let j = 0; j < c.events; j++) ll += Math.log(shape + j);
    ll += shape * Math.log(shape / (shape + mu));
    if (c.events > 0) ll += c.events * Math.log(mu / (shape + mu));
  }
  return ll;
}

/** The α maximising the marginal likelihood at the regional mean (golden-section search on ln α). */
function marginalShape(cells: readonly RateObservation[], meanRate: number): number {
  const f = (lnShape: number) => marginalLogLik(cells, meanRate, Math.exp(lnShape));
  const g = (Math.sqrt(5) - 1) / 2;
  let a = LN_SHAPE_MIN;
  let b = LN_SHAPE_MAX;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-4) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  const lnShape = (a + b) / 2;
  // At the upper bound the likelihood is still rising: the data show no extra-Poisson spread.
  return lnShape > LN_SHAPE_MAX - 0.01 ? Number.POSITIVE_INFINITY : Math.exp(lnShape);
}

/**
 * Fits the regional Gamma prior over the cells with some exposure. The mean is the pooled rate
 * Σy/ΣE; the shape by marginal likelihood (default: uses every count's exact distribution, and
 * is stable with few events) or by moments. With no event in the region the mean is 0 and
 * nothing can be said about any cell.
 *
 * @example
 * const prior = fitGammaPrior([{ events: 3, exposure: 2 }, { events: 40, exposure: 5 }]);
 * posteriorOf({ events: 1, exposure: 0.01 }, prior).logRateRatio; // ≈ 0: too little to tell
 */
export function fitGammaPrior(
  cells: readonly RateObservation[],
  method: PriorFitMethod = 'marginal_likelihood',
): GammaPrior {
  const seen = cells.filter((c) => c.exposure > 0);
  const exposure = seen.reduce((a, c) => a + c.exposure, 0);
  const events = seen.reduce((a, c) => a + c.events, 0);
  const meanRate = exposure > 0 ? events / exposure : 0;
  if (meanRate === 0 || seen.length < 2)
    return { meanRate, shape: Number.POSITIVE_INFINITY, rate: Number.POSITIVE_INFINITY, method };
  const shape = method === 'moments' ? momentsShape(seen, meanRate) : marginalShape(seen, meanRate);
  return { meanRate, shape, rate: shape / meanRate, method };
}

/**
 * A cell's posterior mean rate, its log ratio to the regional rate and its evidence weight.
 * Under a prior with no spread (shape ∞) every cell is the region: ratio 0, weight 0.
 */
export function posteriorOf(cell: RateObservation, prior: GammaPrior): RatePosterior {
  if (!Number.isFinite(prior.shape) || prior.meanRate <= 0)
    return { rate: prior.meanRate, logRateRatio: 0, evidenceWeight: 0 };
  const exposure = Math.max(0, cell.exposure);
  const rate = (prior.shape + cell.events) / (prior.rate + exposure);
  return {
    rate,
    logRateRatio: Math.log(rate / prior.meanRate),
    evidenceWeight: exposure / (prior.rate + exposure),
  };
}
