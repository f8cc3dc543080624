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
