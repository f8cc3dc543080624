import type { FilteredFix } from './samples.ts';

/** Motion derived from GPS alone over a ≥ 1 s baseline. */
export interface GpsMotion {
  tMs: number;
  speedMps: number;
  /** Longitudinal acceleration from the speed change (negative when braking). */
  accelMps2: number;
  /** Yaw rate from the heading change, rad/s, positive counter-clockwise (left turn). */
  yawRateRps: number;
  /** Length of the baseline the figures were taken over. */
  baselineMs: number;
}

const RAD = Math.PI / 180;

/**
 * Differentiates GPS speed and heading. A 1 s baseline is the shortest that keeps 10 Hz speed
 * noise (~0.1 m/s) below ~0.15 m/s² while still resolving a 2 s brake at 1 Hz.
 */
export class GpsKinematics {
  private readonly history: FilteredFix[] = [];

  constructor(
    private readonly baselineMs = 1000,
    private readonly maxBaselineMs = 3000,
  ) {}

  /** Motion ending at `fix`, or `undefined` when there is no usable baseline (start, dropout). */
  push(fix: FilteredFix): GpsMotion | undefined {
    this.history.push(fix);
    while (this.history.length > 2 && fix.tMs - (this.history[0] as FilteredFix).tMs > this.maxBaselineMs) {
      this.history.shift();
    }
    for (let i = this.history.length - 2; i >= 0; i--) {
      const base = this.history[i] as FilteredFix;
      const dtMs = fix.tMs - base.tMs;
      if (dtMs < this.baselineMs) continue;
      if (dtMs > this.maxBaselineMs) return undefined;
      const dtS = dtMs / 1000;
      let dh = fix.headingDeg - base.headingDeg;
      if (dh > 180) dh -= 360;
      if (dh < -180) dh += 360;
      // Heading is noise below ~3 m/s; GPS heading is clockwise, yaw counter-clockwise.
      const yawRateRps = Math.min(fix.speedMps, base.speedMps) > 3 ? (-dh * RAD) / dtS : 0;
      return {
        tMs: fix.tMs,
        speedMps: fix.speedMps,
        accelMps2: (fix.speedMps - base.speedMps) / dtS,
        yawRateRps,
        baselineMs: dtMs,
      };
    }
    return undefined;
  }
}
