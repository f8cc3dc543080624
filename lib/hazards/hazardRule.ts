/** What a rule sees of one window of one cluster, in one direction. */
export interface WindowEvidence {
  /** Distinct cameras that gave the signal (braked, reported the pothole). */
  cameras: number;
  /** Distinct cameras that passed (exposure), the signalling ones included. */
  passers: number;
  /** The cluster's normal probability that a passing camera gives the signal (learned baseline). */
  baselineRate: number;
}

export interface RuleDecision {
  raise: boolean;
  /** 0..1: how sure the network is that the hazard is real. */
  confidence: number;
}

/** A hazard rule decides from a window's evidence whether it is a hazard. */
export interface HazardRule {
  readonly name: string;
  decide(evidence: WindowEvidence): RuleDecision;
}

/**
 * The plain rule: at least `minCameras` distinct cameras in the window. Confidence grows with
 * the evidence beyond the threshold: 0.5 at the threshold, ~0.75 at 1.5×, ~0.94 at 2×.
 */
export function countRule(minCameras: number): HazardRule {
  return {
    name: `count>=${minCameras}`,
    decide({ cameras }) {
      const raise = cameras >= minCameras;
      const confidence = 1 - 0.5 ** Math.max(0, (cameras / minCameras - 1) * 4 + 1);
      return { raise, confidence: round3(confidence) };
    },
  };
}

/** P(X ≥ k) for X ~ Binomial(n, p), summed in log space (n up to thousands). */
export function binomialTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(n, i) built incrementally from i = k.
  let logC = 0;
  for (let i = 1; i <= k; i++) logC += Math.log((n - k + i) / i);
  let sum = 0;
  for (let i = k; i <= n; i++) {
    sum += Math.exp(logC + i * logP + (n - i) * logQ);
    logC += Math.log((n - i) / (i + 1));
  }
  return Math.min(1, sum);
}

export interface BinomialRuleConfig {
  /**
   * False-alarm rate per evaluation: the probability, under the cluster's normal braking rate,
   * of seeing this much braking by chance. At the cold-start rate of 5 %, 1e-4 lets 4 of 5
   * passing cameras raise a hazard on a quiet road (p ≈ 3e-5) but not 3 of 4 (p ≈ 5e-4); a
   * junction braking at its usual 10 % never reaches it.
   */
  alpha: number;
  /** Fewest distinct cameras that can raise a hazard: one device alone never can. */
  minCameras: number;
  /**
   * Smallest share of passing cameras that must give the signal. An obstruction makes most
   * drivers brake (field studies and the simulator: 80–90 %); a junction a small minority. The
   * share guards the cold start, before a cell's baseline is learned, and exposure recorded
   * only once a cell turned hot (see the aggregator) under-counts passers a little.
   */
  minShare: number;
}

export const DEFAULT_BINOMIAL_RULE: BinomialRuleConfig = { alpha: 1e-4, minCameras: 3, minShare: 0.5 };

/**
 * The statistical rule: raise when the braking share among passing cameras is far above the
 * cluster's norm — a one-sided binomial test at `alpha`, with a floor on cameras and share.
 */
export function binomialRule(config: BinomialRuleConfig = DEFAULT_BINOMIAL_RULE): HazardRule {
  return {
    name: `binomial(alpha=${config.alpha},k>=${config.minCameras},share>=${config.minShare})`,
    decide({ cameras, passers, baselineRate }) {
      const n = Math.max(passers, cameras);
      if (cameras < config.minCameras || n === 0) return { raise: false, confidence: 0 };
      const share = cameras / n;
      const pValue = binomialTail(cameras, n, baselineRate);
      const raise = share >= config.minShare && pValue <= config.alpha;
      // Heuristic confidence: the share of passers that braked, discounted for few cameras.
      const confidence = Math.min(0.99, share * (1 - 0.5 ** (cameras - 1)));
      return { raise, confidence: round3(confidence) };
    },
  };
}

/** Settings of {@link nearMissRule}. */
export interface NearMissRuleConfig {
  /** Fewest distinct cameras with a near miss: one or two drivers' bad moments are not a place. */
  minCameras: number;
  /**
   * Probability that a camera passing a cell (in one direction) has a near miss there on an
   * ordinary road. Naturalistic driving studies count ~0.4 near-crashes per 1,000 miles (the
   * 100-Car study: 761 in 2 million miles); conflicts at TTC < 1.5 s are more common than
   * near-crashes with an evasive manoeuvre — taken as a hundredfold, ~1.6e-3 per 66 m cell pass,
   * rounded up to 2e-3 so an ordinary busy road does not look dangerous. Near misses have no
   * learned baseline: too rare per cell to learn one.
   */
  backgroundRate: number;
  /** False-alarm rate per evaluation under the background rate. */
  alpha: number;
}

export const DEFAULT_NEAR_MISS_RULE: NearMissRuleConfig = {
  minCameras: 3,
  backgroundRate: 2e-3,
  alpha: 1e-3,
};

/**
 * The near-miss rule: at least `minCameras` distinct cameras came within 1.5 s of a collision
 * in the cluster, direction and window, and that many is improbable (one-sided binomial test at
 * `alpha`) for the cameras that passed, at the background near-miss rate. Three near misses
 * among up to ~95 passing cameras raise; among 200 it takes four, among 500 six: a busy road has more near
 * misses by chance. The learned brake baseline is not used (`baselineRate` is ignored).
 * Confidence is 0.5 at the camera threshold and grows with every further camera.
 *
 * @example nearMissRule().decide({ cameras: 3, passers: 40, baselineRate: 0.05 }) // { raise: true, confidence: 0.5 }
 */
export function nearMissRule(config: NearMissRuleConfig = DEFAULT_NEAR_MISS_RULE): HazardRule {
  return {
    name: `near_miss(k>=${config.minCameras},p0=${config.backgroundRate},alpha=${config.alpha})`,
    decide({ cameras, passers }) {
      if (cameras < config.minCameras) return { raise: false, confidence: 0 };
      const n = Math.max(passers, cameras);
      const raise = binomialTail(cameras, n, config.backgroundRate) <= config.alpha;
      return { raise, confidence: round3(1 - 0.5 ** (cameras - config.minCameras + 1)) };
    },
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export const HAZARD_RULE_NAMES = ['statistical', 'count'] as const;
export type HazardRuleName = (typeof HAZARD_RULE_NAMES)[number];

/**
 * The configured rule: `statistical` (the default: braking share against the learned baseline)
 * or `count` (the plain "N distinct cameras in the window", N = `minCameras`, default 10).
 */
export function ruleFromConfig(name: HazardRuleName = 'statistical', minCameras = 10): HazardRule {
  return name === 'count' ? countRule(minCameras) : binomialRule();
}
