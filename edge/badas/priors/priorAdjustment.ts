import type { TilePrior } from '../../../lib/priors/priorTile.ts';

/**
 * How a cell's conflict prior moves the anticipation score. The model's score is a probability
 * learnt over all roads; where the network saw `RR` times the region's near-miss rate, the odds
 * of a conflict are, by Bayes, about `RR` times higher for the same kinematics (near misses are
 * rare, so odds ≈ rates). The camera therefore adds `gain · ln RR` to the score's logit, bounded.
 */
export interface PriorAdjustConfig {
  /** Share of the log rate ratio applied to the logit: 1 = plain Bayes. */
  gain: number;
  /**
   * Largest shift either way, logits. 1.5 (odds ×4.5): a prior alone must never raise a warning.
   * At the shipped raise threshold 0.84 (logit 1.66) the model must still say ≥ 0.54 by itself,
   * and a clear road (score ~0.01) stays at ~0.04.
   */
  maxShiftLogit: number;
  /** Cells whose evidence weight is below this are treated as uncovered (no shift). */
  minEvidenceWeight: number;
  /**
   * Added to every covered cell's shift, logits: the recalibration that keeps the false-alarm rate
   * of covered roads where the plain model had it (see docs/priors.md); 0 = uncalibrated.
   * Uncovered roads never get it: they run the plain model exactly.
   */
  coveredOffsetLogit: number;
}

/** Plain Bayes, bounded at ±1.5 logits, no recalibration offset. */
export const DEFAULT_PRIOR_ADJUST: PriorAdjustConfig = {
  gain: 1,
  maxShiftLogit: 1.5,
  minEvidenceWeight: 0,
  coveredOffsetLogit: 0,
};

/**
 * The logit shift for a cell's prior: 0 without one (or below the evidence floor), else
 * `gain · ln RR + offset`, clamped to ±`maxShiftLogit`.
 *
 * @example priorShiftLogit({ logRateRatio: Math.log(3), evidenceWeight: 0.8 }) // ≈ 1.10
 */
export function priorShiftLogit(
  prior: TilePrior | undefined,
  config: PriorAdjustConfig = DEFAULT_PRIOR_ADJUST,
): number {
  if (!prior || !(prior.evidenceWeight >= config.minEvidenceWeight)) return 0;
  const shift = config.gain * prior.logRateRatio + config.coveredOffsetLogit;
  return Math.max(-config.maxShiftLogit, Math.min(config.maxShiftLogit, shift));
}

/**
 * `score` with `shiftLogit` added to its logit. A shift of 0 returns `score` itself (the plain
 * model, bit for bit); scores of exactly 0 or 1 stay put (no finite evidence moves certainty).
 */
export function shiftScore(score: number, shiftLogit: number): number {
  if (shiftLogit === 0 || !(score > 0 && score < 1)) return score;
  return 1 / (1 + Math.exp(-(Math.log(score / (1 - score)) + shiftLogit)));
}
