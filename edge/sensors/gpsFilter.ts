import { bearingDeg, haversineM } from '../../lib/geo/distance.ts';
import type { FilteredFix, GpsFix } from './samples.ts';

/** Thresholds of {@link GpsFilter}. */
export interface GpsFilterConfig {
  /** Faster than any road vehicle we serve (250 km/h): a fix implying more is a jump. */
  maxSpeedMps: number;
  /**
   * Tyre grip caps horizontal acceleration near 1 g; 12 m/s² leaves margin for GPS speed noise.
   * A fix whose speed implies more than this against the last accepted one is a glitch.
   */
  maxAccelMps2: number;
  /** After this gap the filter starts over: the vehicle may legitimately be elsewhere. */
  resetGapMs: number;
  /** After this many consecutive rejections the last accepted fix was probably the bad one. */
  maxConsecutiveRejects: number;
  /** Baseline for speed/heading derived from positions: shorter baselines amplify noise. */
  deriveBaselineMs: number;
}

/** Defaults for 1–10 Hz consumer receivers (±3–10 m position noise). */
export const DEFAULT_GPS_FILTER: GpsFilterConfig = {
  maxSpeedMps: 70,
  maxAccelMps2: 12,
  resetGapMs: 10_000,
  maxConsecutiveRejects: 5,
  deriveBaselineMs: 1000,
};

/** Counters of what the filter threw away, for the device log. */
export interface GpsFilterStats {
  accepted: number;
  rejected: number;
}

/**
 * Rejects implausible fixes (out of range, null island, time going backwards, position jumps,
 * impossible speed changes) and derives missing speed and heading from positions over a ≥ 1 s
 * baseline.
 */
export class GpsFilter {
  readonly stats: GpsFilterStats = { accepted: 0, rejected: 0 };
  private readonly history: FilteredFix[] = [];
  private consecutiveRejects = 0;

  constructor(private readonly config: GpsFilterConfig = DEFAULT_GPS_FILTER) {}

  /** The accepted, completed fix, or `undefined` when `fix` is rejected. */
  push(fix: GpsFix): FilteredFix | undefined {
    const out = this.evaluate(fix);
    if (out) {
      this.stats.accepted++;
      this.consecutiveRejects = 0;
      this.history.push(out);
      // Keep ~3 s of history: enough for the derivation baseline at any rate.
      while (this.history.length > 2 && out.tMs - (this.history[0] as FilteredFix).tMs > 3000)
        this.history.shift();
    } else {
      this.stats.rejected++;
      this.consecutiveRejects++;
      if (this.consecutiveRejects >= this.config.maxConsecutiveRejects) {
        this.history.length = 0;
        this.consecutiveRejects = 0;
      }
    }
    return out;
  }

  private evaluate(fix: GpsFix): FilteredFix | undefined {
    const { lat, lng, tMs } = fix;
    if (!Number.isFinite(lat) || !Number.isFinite(lng) || !Number.isFinite(tMs)) return undefined;
    if (lat < -90 || lat > 90 || lng < -180 || lng > 180) return undefined;
    // (0, 0) is what many receivers report before their first fix.
    if (Math.abs(lat) < 1e-6 && Math.abs(lng) < 1e-6) return undefined;
    if (fix.speedMps !== undefined && (fix.speedMps < 0 || fix.speedMps > this.config.maxSpeedMps))
      return undefined;

    const last = this.history[this.history.length - 1];
    if (last && tMs - last.tMs > this.config.resetGapMs) this.history.length = 0;
    const prev = this.history[this.history.length - 1];
    if (!prev) {
      return {
        tMs,
        lat,
        lng,
        speedMps: fix.speedMps ?? 0,
        headingDeg: normHeading(fix.headingDeg ?? 0),
        speedDerived: fix.speedMps === undefined,
      };
    }
    if (tMs <= prev.tMs) return undefined;
    const dtS = (tMs - prev.tMs) / 1000;
    const stepM = haversineM(prev.lat, prev.lng, lat, lng);
    // Allow 15 m of position noise on top of the fastest plausible motion.
    if (stepM > this.config.maxSpeedMps * dtS + 15) return undefined;

    const base = this.baseline(tMs);
    let speedMps = fix.speedMps;
    if (speedMps === undefined) {
      speedMps = base ? haversineM(base.lat, base.lng, lat, lng) / ((tMs - base.tMs) / 1000) : prev.speedMps;
    }
    if (Math.abs(speedMps - prev.speedMps) / Math.max(dtS, 0.2) > this.config.maxAccelMps2) return undefined;

    let headingDeg = fix.headingDeg;
    if (headingDeg === undefined) {
      // Below ~1.5 m/s position noise dominates the bearing: keep the previous heading.
      headingDeg =
        base && speedMps > 1.5 && haversineM(base.lat, base.lng, lat, lng) > 2
          ? bearingDeg(base.lat, base.lng, lat, lng)
          : prev.headingDeg;
    }
    return {
      tMs,
      lat,
      lng,
      speedMps,
      headingDeg: normHeading(headingDeg),
      speedDerived: fix.speedMps === undefined,
    };
  }

  /** The newest accepted fix at least `deriveBaselineMs` older than `tMs`, else the oldest. */
  private baseline(tMs: number): FilteredFix | undefined {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const h = this.history[i] as FilteredFix;
      if (tMs - h.tMs >= this.config.deriveBaselineMs) return h;
    }
    return this.history[0];
  }
}

function normHeading(deg: number): number {
  const h = deg % 360;
  return h < 0 ? h + 360 : h;
}
