import { sha256 } from '@noble/hashes/sha2.js';
import { type ArtefactKind, utf8 } from '../contract/artefact.ts';

/** Cohort buckets: a device falls in one of 0..9999, so a stage can be set in 0.01 % steps. */
export const COHORT_BUCKETS = 10_000;

/**
 * The rollout's stages as the share of the fleet (in buckets of {@link COHORT_BUCKETS}) that
 * runs the candidate: 1 % → 10 % → 50 % → 100 %. The first stage catches what breaks at once
 * (crashes, errors) while exposing few cameras; the larger ones give the statistical power to see a
 * modest rise in alert or near-miss rates. The last stage has no control left: reaching it
 * completes the rollout.
 */
export const ROLLOUT_STAGES_BUCKETS = [100, 1_000, 5_000, 10_000] as const;

/** Index of the last stage (everyone). */
export const FINAL_STAGE = ROLLOUT_STAGES_BUCKETS.length - 1;

/** An artefact line: the versions of one (kind, name). */
export interface ArtefactLineId {
  kind: ArtefactKind;
  name: string;
}

/**
 * The cohort bucket of a device for one artefact line: SHA-256 of the line and the device id,
 * first four bytes, modulo {@link COHORT_BUCKETS}. Stable (the same device is in the same bucket at
 * every stage, so a stage's cohort contains the previous stage's: nobody flips back and forth), and
 * salted by the line, so the first 1 % of a model rollout are not always the same cameras as the
 * first 1 % of an ISP-profile rollout.
 *
 * @example cohortBucket('dev-1', { kind: 'model', name: 'badas' }) // 0..9999, always the same
 */
export function cohortBucket(deviceId: string, line: ArtefactLineId): number {
  const h = sha256(utf8(`dashnet-cohort|${line.kind}/${line.name}|${deviceId}`));
  const n = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
  return n % COHORT_BUCKETS;
}

/** Whether a device in `bucket` runs the candidate at stage `stageIndex`. */
export function inCandidateCohort(bucket: number, stageIndex: number): boolean {
  const limit = ROLLOUT_STAGES_BUCKETS[Math.max(0, Math.min(FINAL_STAGE, stageIndex))]!;
  return bucket < limit;
}

/** A stage as a percentage of the fleet, for people (`1`, `10`, `50`, `100`). */
export function stagePercent(stageIndex: number): number {
  return (ROLLOUT_STAGES_BUCKETS[stageIndex] ?? 0) / (COHORT_BUCKETS / 100);
}
