import { BadasError } from './badasError.ts';
import type { LeadKinematicsFrame } from './kinematics.ts';

/** The model looks at the last 2 s of frames (issue 11: "a 2 s window"). */
export const BADAS_WINDOW_S = 2;

/**
 * The features the anticipation model reads, in input order. Every one is a summary of the
 * last {@link BADAS_WINDOW_S} seconds of frames, scaled to roughly [-1, 4] so that a small
 * model trains without per-feature tricks. Frame rate does not enter: all spans are in seconds,
 * so 5 Hz and 30 Hz cameras give the same features for the same motion.
 */
export const BADAS_FEATURE_NAMES = [
  'ego_speed',
  'ego_accel_0_5s',
  'ego_accel_2s',
  'lead_seen_share',
  'lead_now',
  'inv_gap',
  'closing',
  'closing_from_gap',
  'inv_ttc',
  'inv_ttc_from_gap',
  'required_decel',
  'closing_trend',
  'inv_headway',
  'max_inv_ttc_2s',
  'lead_age',
  'predicted_ttc_margin',
  'brake_deficit',
  'ego_braking_onset',
] as const;

/** Length of the feature vector ({@link BADAS_FEATURE_NAMES}). */
export const BADAS_FEATURE_COUNT = BADAS_FEATURE_NAMES.length;

/**
 * A lead not seen for this long is gone: missed detections come in bursts of up to ~0.5 s on
 * small detectors, so a shorter hold would make every dropout look like a new (cut-in) lead.
 */
const LEAD_HOLD_S = 0.6;
/** Closing speed is averaged over this span: one frame of monocular range-rate is mostly noise. */
const RECENT_S = 0.5;
/** A gap that jumps by more than this share (and 3 m) between detections is a different object. */
const LEAD_SWITCH_SHARE = 0.3;
/** TTC threshold of a conflict (contract §1): the margin feature is predicted TTC minus this. */
const CONFLICT_TTC_S = 1.5;

function clip(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/** Least-squares slope of y over t; 0 with fewer than 3 points or a span under 0.25 s. */
function slope(ts: readonly number[], ys: readonly number[]): number {
  const n = ts.length;
  if (n < 3) return 0;
  const span = ts[n - 1]! - ts[0]!;
  if (span < 0.25) return 0;
  let mt = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mt += ts[i]!;
    my += ys[i]!;
  }
  mt /= n;
  my /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dt = ts[i]! - mt;
    num += dt * (ys[i]! - my);
    den += dt * dt;
  }
  return den > 0 ? num / den : 0;
}

/** TTC margin over the next 3 s if the closing speed keeps changing as it did: min(TTC(τ)) − 1.5 s. */
function predictedTtcMarginS(gapM: number, closingMps: number, relAccelMps2: number): number {
  let margin = Number.POSITIVE_INFINITY;
  for (let tau = 0; tau <= 3.0001; tau += 0.25) {
    const gap = gapM - closingMps * tau - 0.5 * relAccelMps2 * tau * tau;
    const closing = closingMps + relAccelMps2 * tau;
    if (gap <= 0) return -CONFLICT_TTC_S;
    if (closing > 0.05) margin = Math.min(margin, gap / closing - CONFLICT_TTC_S);
  }
  return margin;
}

/**
 * Turns per-frame kinematics into the model's feature vector, one call per frame. Keeps the
 * last 2 s of frames and the start time of the current lead track (a lead that just appeared
 * close — a cut-in — is riskier than one followed for a while at the same gap).
 *
 * Portable and allocation-light: one `Float32Array` per call, frames kept in a short array.
 *
 * @example
 * const w = new BadasFeatureWindow();
 * const x = w.push({ tS: 0, egoSpeedMps: 20, egoAccelMps2: 0, leadGapM: 30, leadClosingMps: 2 });
 *
 * @throws BadasError `BAD_FRAME` when time goes backwards or a value is impossible
 */
export class BadasFeatureWindow {
  private readonly frames: LeadKinematicsFrame[] = [];
  private leadSinceS: number | undefined;
  private lastLeadS: number | undefined;
  private lastLeadGapM: number | undefined;

  /** Adds a frame and returns the features as of that frame. */
  push(frame: LeadKinematicsFrame): Float32Array {
    this.check(frame);
    const t = frame.tS;
    this.trackLead(frame);
    this.frames.push(frame);
    while (this.frames.length > 0 && this.frames[0]!.tS < t - BADAS_WINDOW_S) this.frames.shift();
    return this.features(t, frame);
  }

  private check(f: LeadKinematicsFrame): void {
    const last = this.frames.at(-1);
    if (!Number.isFinite(f.tS) || (last !== undefined && f.tS <= last.tS))
      throw new BadasError('BAD_FRAME', `frame time ${f.tS} does not increase`);
    if (!Number.isFinite(f.egoSpeedMps) || f.egoSpeedMps < 0 || !Number.isFinite(f.egoAccelMps2))
      throw new BadasError('BAD_FRAME', `ego speed/accel at t=${f.tS} must be finite, speed ≥ 0`);
    if (f.leadGapM !== undefined && !(Number.isFinite(f.leadGapM) && f.leadGapM >= 0))
      throw new BadasError('BAD_FRAME', `lead gap at t=${f.tS} must be a number ≥ 0`);
    if (f.leadClosingMps !== undefined && !Number.isFinite(f.leadClosingMps))
      throw new BadasError('BAD_FRAME', `lead closing speed at t=${f.tS} must be finite`);
  }

  private trackLead(f: LeadKinematicsFrame): void {
    const gap = f.leadGapM;
    if (gap === undefined) return;
    const prevGap = this.lastLeadGapM;
    const lost = this.lastLeadS === undefined || f.tS - this.lastLeadS > LEAD_HOLD_S;
    const switched =
      prevGap !== undefined && Math.abs(gap - prevGap) > Math.max(3, LEAD_SWITCH_SHARE * prevGap);
    if (lost || switched) this.leadSinceS = f.tS;
    this.lastLeadS = f.tS;
    this.lastLeadGapM = gap;
  }

  private features(t: number, now: LeadKinematicsFrame): Float32Array {
    const x = new Float32Array(BADAS_FEATURE_COUNT);
    const frames = this.frames;
    let acc05 = 0;
    let n05 = 0;
    let acc2 = 0;
    let seen = 0;
    let maxInvTtc = 0;
    const gapTs: number[] = [];
    const gaps: number[] = [];
    const closeTs: number[] = [];
    const closings: number[] = [];
    let recentClosing = 0;
    let nRecentClosing = 0;
    for (const f of frames) {
      acc2 += f.egoAccelMps2;
      if (f.tS >= t - RECENT_S) {
        acc05 += f.egoAccelMps2;
        n05++;
      }
      if (f.leadGapM === undefined) continue;
      seen++;
      if (f.tS >= t - 1) {
        gapTs.push(f.tS);
        gaps.push(f.leadGapM);
      }
      if (f.leadClosingMps !== undefined) {
        closeTs.push(f.tS);
        closings.push(f.leadClosingMps);
        maxInvTtc = Math.max(maxInvTtc, Math.max(f.leadClosingMps, 0) / Math.max(f.leadGapM, 0.5));
        if (f.tS >= t - RECENT_S) {
          recentClosing += f.leadClosingMps;
          nRecentClosing++;
        }
      }
    }
    x[0] = now.egoSpeedMps / 30;
    x[1] = clip(acc05 / Math.max(n05, 1) / 5, -3, 3);
    x[2] = clip(acc2 / Math.max(frames.length, 1) / 5, -3, 3);
    x[3] = seen / frames.length;
    // No lead: nothing to collide with, so the predicted margin is as large as it gets.
    x[15] = 1;
    const leadNow = this.lastLeadS !== undefined && t - this.lastLeadS <= LEAD_HOLD_S;
    if (!leadNow) return x;
    const gapM = this.lastLeadGapM!;
    const closingFromGap = -slope(gapTs, gaps);
    const closing = nRecentClosing > 0 ? recentClosing / nRecentClosing : closingFromGap;
    const relAccel = clip(slope(closeTs, closings), -3, 8);
    x[4] = 1;
    x[5] = 10 / Math.max(gapM, 2);
    x[6] = clip(closing / 10, -3, 3);
    x[7] = clip(closingFromGap / 10, -3, 3);
    x[8] = clip(Math.max(closing, 0) / Math.max(gapM, 0.5), 0, 4);
    x[9] = clip(Math.max(closingFromGap, 0) / Math.max(gapM, 0.5), 0, 4);
    x[10] = closing > 0 ? clip((closing * closing) / (2 * Math.max(gapM - 1, 0.5)) / 10, 0, 3) : 0;
    x[11] = clip(relAccel / 5, -3, 3);
    x[12] = clip(now.egoSpeedMps / Math.max(gapM, 1), 0, 4);
    x[13] = clip(maxInvTtc, 0, 4);
    x[14] = clip((t - (this.leadSinceS ?? t)) / BADAS_WINDOW_S, 0, 1);
    x[15] = clip(predictedTtcMarginS(gapM, closing, relAccel), -CONFLICT_TTC_S, 6) / 6;
    // Is the driver already braking as hard as stopping short of the lead needs? Conflicts in
    // the scenarios (and on the road) come from drivers who have not reacted yet.
    const neededMps2 = closing > 0 ? (closing * closing) / (2 * Math.max(gapM - 2, 0.5)) : 0;
    const brakingMps2 = Math.max(-acc05 / Math.max(n05, 1), 0);
    x[16] = clip((neededMps2 - brakingMps2) / 5, -2, 3);
    x[17] = clip((acc05 / Math.max(n05, 1) - acc2 / Math.max(frames.length, 1)) / 5, -3, 3);
    return x;
  }
}
