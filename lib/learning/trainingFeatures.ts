import {
  TRAINING_SAMPLE_MAX_QUANTISED as MAX_QUANTISED,
  TRAINING_SAMPLE_FEATURE_SCALE,
} from '../contract/trainingSample.ts';

/**
 * A feature window as it travels in `training_sample.features`: each value × 100, rounded to an
 * integer and clamped to the contract's range. Non-finite values (never produced by the
 * feature window, but a host could hand one in) become 0 rather than poisoning a batch.
 *
 * @example quantiseFeatures([0.123, -1.5]) // [12, -150]
 */
export function quantiseFeatures(features: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < features.length; i++) {
    const v = features[i]!;
    const q = Number.isFinite(v) ? Math.round(v * TRAINING_SAMPLE_FEATURE_SCALE) : 0;
    // `+ 0` turns the -0 of rounding a tiny negative into 0, so the JSON never says "-0".
    out.push(Math.max(-MAX_QUANTISED, Math.min(MAX_QUANTISED, q)) + 0);
  }
  return out;
}

/** The model's input back from its quantised form (to 0.01, the quantisation step). */
export function dequantiseFeatures(quantised: readonly number[]): Float32Array {
  return Float32Array.from(quantised, (q) => q / TRAINING_SAMPLE_FEATURE_SCALE);
}
