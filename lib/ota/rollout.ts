import { FINAL_STAGE } from './cohort.ts';
import { HEALTH_METRICS, type HealthMetric, type Strata, type StratumCounts } from './healthCounts.ts';

/**
 * How the rollout controller judges a candidate against the control.
 *
 * The test is a stratified sequential probability ratio test (Wald's SPRT) on the conditional
 * binomial: in a stratum (res-7 cell × UTC hour) where the candidate cohort drove `E1`
 * camera-minutes and the control `E0`, and `n` events happened, each event is the candidate's with
 * probability `E1 / (E1 + E0)` if the rates are equal, and `θ·E1 / (θ·E1 + E0)` if the candidate's
 * rate is θ times the control's. Conditioning on each stratum's total removes its own rate (rush
 * hour on a ring road versus a quiet night street), so only the ratio is tested and cohorts are
 * compared on the same roads and hours, whatever mix of them each cohort happened to drive.
 *
 * Sequential, because the controller looks again every few minutes: a fixed-level test repeated
 * at every look would roll back a healthy candidate sooner or later. The SPRT's likelihood ratio
 * is (close to) a martingale under the null, so by Ville's inequality the chance it ever crosses
 * `1/α` is at most α, however often it is looked at.
 */
export interface RolloutPolicy {
  /** The rate ratio (candidate / control) treated as harmful: the test's alternative. */
  harmfulRateRatio: number;
  /** Chance of rolling back a healthy candidate over a whole rollout (split over stages and metrics). */
  falseRollbackRate: number;
  /** Chance of advancing a candidate whose rate ratio is `harmfulRateRatio`, per stage and metric. */
  falseAdvanceRate: number;
  /**
   * Candidate camera-minutes in strata shared with the control, per stage, before any advance:
   * no verdict of health on a handful of drives, however quiet they were.
   */
  minCandidateExposureMin: number;
  /** Below this many events (both arms, shared strata) a metric is too rare to judge: it does not hold up an advance. */
  minEventsPerMetric: number;
  /**
   * Candidate camera-minutes after which a stage with no anomaly advances even if a metric is
   * still undecided. A 1 % cohort cannot prove a small rate ratio harmless in any sensible time
   * (an event is the candidate's with probability 0.01, so each tells little); the next, larger
   * stage has the power, and a harm boundary crossed there still rolls back.
   */
  maxCandidateExposureMin: number;
}

/**
 * Defaults: harm is a 1.5× rate; ≤ 5 % false rollbacks per rollout; at least 20 and at most
 * 1,000 hours of candidate driving per stage.
 */
export const DEFAULT_ROLLOUT_POLICY: RolloutPolicy = {
  harmfulRateRatio: 1.5,
  falseRollbackRate: 0.05,
  falseAdvanceRate: 0.2,
  minCandidateExposureMin: 1_200,
  minEventsPerMetric: 10,
  maxCandidateExposureMin: 60_000,
};

/** The evidence on one metric. */
export interface MetricEvidence {
  metric: HealthMetric;
  candidateEvents: number;
  controlEvents: number;
  /** Candidate events expected at the control's rate on the candidate's exposure (stratum by stratum). */
  expectedCandidateEvents: number;
  /** Mantel–Haenszel rate ratio (candidate / control); NaN when there is no event. */
  rateRatio: number;
  /** Log-likelihood ratio of "harmful" against "equal rates". */
  logLikelihoodRatio: number;
  verdict: 'harmful' | 'healthy' | 'undecided' | 'rare';
}

/** What the controller should do with a candidate at its stage. */
export interface RolloutDecision {
  action: 'advance' | 'rollback' | 'wait';
  reason: string;
  /** Strata where both cohorts drove. */
  sharedStrata: number;
  candidateExposureMin: number;
  controlExposureMin: number;
  metrics: MetricEvidence[];
}

/** SPRT boundaries on the log-likelihood ratio for one metric at one stage. */
export function sprtBounds(policy: RolloutPolicy): { rollback: number; healthy: number } {
  // Bonferroni over the stages that have a control and over the metrics: a healthy candidate
  // faces (stages × metrics) tests on its way to 100 %.
  const alpha = policy.falseRollbackRate / (FINAL_STAGE * HEALTH_METRICS.length);
  const beta = policy.falseAdvanceRate;
  return { rollback: Math.log((1 - beta) / alpha), healthy: Math.log(beta / (1 - alpha)) };
}

/**
 * Decides on a candidate from the health counts of its cohort and of the control since the
 * stage began: `rollback` when any metric crosses the harm boundary, `advance` when there is
 * enough shared exposure and every metric is healthy (or too rare to judge), else `wait`.
 *
 * @example decideRollout(candidateStrata, controlStrata).action // 'advance' | 'rollback' | 'wait'
 */
export function decideRollout(
  candidate: Strata,
  control: Strata,
  policy: RolloutPolicy = DEFAULT_ROLLOUT_POLICY,
): RolloutDecision {
  const bounds = sprtBounds(policy);
  const theta = policy.harmfulRateRatio;
  const shared: [StratumCounts, StratumCounts][] = [];
  let candidateExposureMin = 0;
  let controlExposureMin = 0;
  for (const [key, c] of candidate) {
    const k = control.get(key);
    if (!k || c.exposureMin <= 0 || k.exposureMin <= 0) continue;
    shared.push([c, k]);
    candidateExposureMin += c.exposureMin;
    controlExposureMin += k.exposureMin;
  }
  const metrics = HEALTH_METRICS.map((metric): MetricEvidence => {
    let a = 0;
    let b = 0;
    let expected = 0;
    let llr = 0;
    let mhNum = 0;
    let mhDen = 0;
    for (const [c, k] of shared) {
      const e1 = c.exposureMin;
      const e0 = k.exposureMin;
      const x = c[metric];
      const y = k[metric];
      a += x;
      b += y;
      const total = e1 + e0;
      mhNum += (x * e0) / total;
      mhDen += (y * e1) / total;
      expected += (y * e1) / e0;
      if (x + y === 0) continue;
      const p0 = e1 / total;
      const p1 = (theta * e1) / (theta * e1 + e0);
      llr += x * Math.log(p1 / p0) + y * Math.log((1 - p1) / (1 - p0));
    }
    const rateRatio = mhDen > 0 ? mhNum / mhDen : a > 0 ? Number.POSITIVE_INFINITY : Number.NaN;
    const verdict =
      llr >= bounds.rollback
        ? 'harmful'
        : a + b < policy.minEventsPerMetric
          ? 'rare'
          : llr <= bounds.healthy
            ? 'healthy'
            : 'undecided';
    return {
      metric,
      candidateEvents: a,
      controlEvents: b,
      expectedCandidateEvents: expected,
      rateRatio,
      logLikelihoodRatio: llr,
      verdict,
    };
  });
  const base = { sharedStrata: shared.length, candidateExposureMin, controlExposureMin, metrics };
  const harmful = metrics.filter((m) => m.verdict === 'harmful');
  if (harmful.length > 0) {
    const what = harmful
      .map(
        (m) =>
          `${m.metric} ${m.candidateEvents} vs ${m.expectedCandidateEvents.toFixed(1)} expected (×${m.rateRatio.toFixed(2)})`,
      )
      .join('; ');
    return {
      action: 'rollback',
      reason: `anomaly against the control on the same roads and hours: ${what}`,
      ...base,
    };
  }
  if (candidateExposureMin < policy.minCandidateExposureMin)
    return {
      action: 'wait',
      reason: `${Math.round(candidateExposureMin)} of ${policy.minCandidateExposureMin} candidate camera-minutes shared with the control`,
      ...base,
    };
  const undecided = metrics.filter((m) => m.verdict === 'undecided');
  if (undecided.length > 0 && candidateExposureMin >= policy.maxCandidateExposureMin)
    return {
      action: 'advance',
      reason: `no anomaly after ${Math.round(candidateExposureMin)} candidate camera-minutes (${undecided.map((m) => m.metric).join(', ')} left to the next stage)`,
      ...base,
    };
  if (undecided.length > 0)
    return {
      action: 'wait',
      reason: `not enough evidence yet on ${undecided.map((m) => m.metric).join(', ')}`,
      ...base,
    };
  return { action: 'advance', reason: 'healthy against the control on the same roads and hours', ...base };
}
