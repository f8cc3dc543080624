import type { LeadKinematicsFrame } from './kinematics.ts';

/** Settings of {@link NearMissDetector}. */
export interface NearMissConfig {
  /** A conflict is a TTC below this (contract §1: 1.5 s). */
  ttcS: number;
  /**
   * The TTC must stay below the threshold this long before it counts: monocular range and
   * range-rate are noisy frame to frame, and one bad frame is not a near miss.
   */
  minDurationS: number;
  /** The episode ends once the TTC stays above the threshold (or the lead is gone) this long. */
  endAfterS: number;
  /** Closing speeds below this give no TTC (a lead crawling 0.1 m/s nearer is not a threat). */
  minClosingMps: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_NEAR_MISS: NearMissConfig = {
  ttcS: 1.5,
  minDurationS: 0.3,
  endAfterS: 1,
  minClosingMps: 0.5,
};

/** A finished conflict episode, measured on perception's (noisy) kinematics. */
export interface NearMissEpisode {
  /** Sensor time the TTC first went below the threshold, seconds. */
  startS: number;
  /** Smallest TTC of the episode, seconds (0 when the gap closed). */
  minTtcS: number;
}

/** The time-to-collision of one frame, or undefined without a lead or without closing. */
export function frameTtcS(f: LeadKinematicsFrame, minClosingMps: number): number | undefined {
  if (f.leadGapM === undefined || f.leadClosingMps === undefined) return undefined;
  if (f.leadClosingMps < minClosingMps) return undefined;
  return f.leadGapM / f.leadClosingMps;
}

/**
 * Finds near misses in per-frame kinematics: TTC below 1.5 s for a moment, one episode per
 * approach however long it lasts. Reports the episode when it ends (so its minimum TTC is
 * known), or on {@link flush} at the end of a stream.
 */
export class NearMissDetector {
  private belowSinceS: number | undefined;
  private lastBelowS: number | undefined;
  private minTtcS = Number.POSITIVE_INFINITY;
  private open = false;
  private clearSinceS: number | undefined;

  constructor(private readonly cfg: NearMissConfig = DEFAULT_NEAR_MISS) {}

  /** Start time of the TTC dip in progress (maybe not yet a near miss), seconds. */
  get dipStartS(): number | undefined {
    return this.belowSinceS;
  }

  /** Feeds a frame; returns the episode that ended with it, if any. */
  push(f: LeadKinematicsFrame): NearMissEpisode | undefined {
    const ttc = frameTtcS(f, this.cfg.minClosingMps);
    const below = ttc !== undefined && ttc < this.cfg.ttcS;
    if (below) {
      this.belowSinceS ??= f.tS;
      this.lastBelowS = f.tS;
      this.clearSinceS = undefined;
      if (!this.open && f.tS - this.belowSinceS >= this.cfg.minDurationS - 1e-6) this.open = true;
      this.minTtcS = Math.min(this.minTtcS, ttc);
      return undefined;
    }
    if (!this.open) {
      // A frame or two above the threshold inside a dip is range noise, not the end of the dip.
      if (this.lastBelowS === undefined || f.tS - this.lastBelowS > this.cfg.minDurationS) {
        this.belowSinceS = undefined;
        this.minTtcS = Number.POSITIVE_INFINITY;
      }
      return undefined;
    }
    this.clearSinceS ??= f.tS;
    return f.tS - this.clearSinceS >= this.cfg.endAfterS ? this.close() : undefined;
  }

  /** Ends an open episode (end of the stream). */
  flush(): NearMissEpisode | undefined {
    return this.open ? this.close() : undefined;
  }

  private close(): NearMissEpisode {
    const episode = { startS: this.belowSinceS!, minTtcS: this.minTtcS };
    this.open = false;
    this.belowSinceS = undefined;
    this.clearSinceS = undefined;
    this.minTtcS = Number.POSITIVE_INFINITY;
    return episode;
  }
}
