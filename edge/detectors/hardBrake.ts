import type { GpsMotion } from '../sensors/gpsKinematics.ts';
import type { VehicleSample } from '../sensors/mountCalibration.ts';
import type { FilteredFix } from '../sensors/samples.ts';
import { type DetectedEvent, LowPass } from './detectedEvent.ts';

/** Thresholds of {@link HardBrakeDetector}. */
export interface HardBrakeConfig {
  /**
   * 3 m/s² (0.3 g) is the hard-braking threshold insurers' telematics programmes and
   * naturalistic-driving studies use; real hard brakes on phones peak at 4.7–7 m/s² against
   * ~0.6 m/s² for ordinary braking, so 3 m/s² sits well clear of both.
   */
  decelThresholdMps2: number;
  /** Hysteresis: an episode ends when deceleration falls below this. */
  endDecelMps2: number;
  /**
   * A hard brake lasts 1–3 s; a pothole or bump jolts the longitudinal axis for < 0.2 s.
   * Requiring 0.4 s above threshold (after the low-pass) keeps road jolts out.
   */
  minDurationMs: number;
  /** Low-pass time constant (cut-off ≈ 0.6 Hz): removes engine/road vibration, keeps braking. */
  lowPassTauMs: number;
  /** Below ~11 km/h a "hard brake" is parking manoeuvres, not road safety. */
  minSpeedMps: number;
  /**
   * A real hard brake shows in GPS speed too: the GPS speed drop across the episode (±1.5 s)
   * must be at least this share of the IMU-integrated drop (GPS lag and calibration error eat
   * the rest).
   */
  gpsConfirmRatio: number;
  /** …and at least this many m/s. */
  gpsMinDropMps: number;
  /** GPS-only fallback: deceleration (≥ 1 s baselines) sustained this long. */
  gpsOnlyMinMs: number;
  /** One event per brake: no second event within this time. */
  refractoryMs: number;
}

/** Defaults; see the field comments for their sources. */
export const DEFAULT_HARD_BRAKE: HardBrakeConfig = {
  decelThresholdMps2: 3,
  endDecelMps2: 1.5,
  minDurationMs: 400,
  lowPassTauMs: 250,
  minSpeedMps: 3,
  gpsConfirmRatio: 0.5,
  gpsMinDropMps: 1.5,
  gpsOnlyMinMs: 1500,
  refractoryMs: 3000,
};

interface Episode {
  startMs: number;
  endMs: number;
  peak: number;
  sum: number;
  n: number;
  /** Speed when the episode began (GPS-only episodes). */
  speedMps: number;
}

/**
 * Sustained longitudinal deceleration. With a converged mount calibration it uses the
 * low-passed IMU and confirms with GPS speed; before that (or with no IMU) it falls back to
 * GPS-derived deceleration, which is slower but orientation-free.
 */
export class HardBrakeDetector {
  private readonly lp: LowPass;
  private imuEpisode: Episode | undefined;
  private readonly pending: Episode[] = [];
  private gpsEpisode: Episode | undefined;
  private readonly speeds: { tMs: number; v: number }[] = [];
  private lastEventMs = Number.NEGATIVE_INFINITY;
  private latestGpsMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly config: HardBrakeConfig = DEFAULT_HARD_BRAKE) {
    this.lp = new LowPass(config.lowPassTauMs);
  }

  /** Feeds a vehicle-frame IMU sample; only calibrated samples are used. */
  onImu(s: VehicleSample): DetectedEvent[] {
    if (!s.forwardReady) {
      this.lp.reset();
      this.imuEpisode = undefined;
      return this.expire(s.tMs);
    }
    const decel = -this.lp.update(s.tMs, s.longMps2);
    const ep = this.imuEpisode;
    if (!ep) {
      if (decel >= this.config.decelThresholdMps2)
        this.imuEpisode = { startMs: s.tMs, endMs: s.tMs, peak: decel, sum: decel, n: 1, speedMps: 0 };
    } else if (decel >= this.config.endDecelMps2) {
      ep.endMs = s.tMs;
      ep.peak = Math.max(ep.peak, decel);
      ep.sum += decel;
      ep.n++;
    } else {
      this.imuEpisode = undefined;
      if (ep.endMs - ep.startMs >= this.config.minDurationMs) this.pending.push(ep);
    }
    return this.expire(s.tMs);
  }

  /** Feeds an accepted GPS fix and its motion (if it had a baseline). */
  onGps(fix: FilteredFix, motion: GpsMotion | undefined, imuCalibrated: boolean): DetectedEvent[] {
    this.latestGpsMs = fix.tMs;
    this.speeds.push({ tMs: fix.tMs, v: fix.speedMps });
    while (this.speeds.length > 0 && fix.tMs - (this.speeds[0] as { tMs: number }).tMs > 20_000)
      this.speeds.shift();
    const out = this.confirmPending(fix.tMs, false);
    if (!imuCalibrated && motion && !fix.speedDerived) {
      const e = this.gpsOnly(motion);
      if (e) out.push(e);
    } else {
      this.gpsEpisode = undefined;
    }
    return out;
  }

  /** Decides pending episodes whose GPS evidence has arrived (or never will). */
  private confirmPending(nowMs: number, timeoutOnly: boolean): DetectedEvent[] {
    const out: DetectedEvent[] = [];
    for (let i = 0; i < this.pending.length; ) {
      const ep = this.pending[i] as Episode;
      const evidenceIn = !timeoutOnly && this.latestGpsMs >= ep.endMs + 1500;
      const timedOut = nowMs - ep.endMs > 5000;
      if (!evidenceIn && !timedOut) {
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      const e = this.decideImu(ep);
      if (e) out.push(e);
    }
    return out;
  }

  private decideImu(ep: Episode): DetectedEvent | undefined {
    const before = this.speedsIn(ep.startMs - 1500, ep.startMs + 250);
    const after = this.speedsIn(ep.endMs - 250, ep.endMs + 1500);
    const durationMs = ep.endMs - ep.startMs;
    let speedMps: number;
    if (before.length === 0 || after.length === 0) {
      // GPS dropout (tunnel): trust the IMU alone only for a clearly sustained brake.
      if (durationMs < 2 * this.config.minDurationMs || before.length === 0) return undefined;
      speedMps = Math.max(...before);
    } else {
      speedMps = Math.max(...before);
      const drop = speedMps - Math.min(...after);
      const imuDrop = (ep.sum / ep.n) * (durationMs / 1000);
      if (drop < this.config.gpsMinDropMps || drop < this.config.gpsConfirmRatio * imuDrop) return undefined;
    }
    if (speedMps < this.config.minSpeedMps) return undefined;
    return this.emit(ep.startMs, ep.peak, speedMps, 'imu');
  }

  private gpsOnly(m: GpsMotion): DetectedEvent | undefined {
    const decel = -m.accelMps2;
    const ep = this.gpsEpisode;
    if (decel >= this.config.decelThresholdMps2) {
      if (!ep) {
        // The baseline started before this fix: the brake began then.
        const startSpeed = m.speedMps - m.accelMps2 * (m.baselineMs / 1000);
        this.gpsEpisode = {
          startMs: m.tMs - m.baselineMs,
          endMs: m.tMs,
          peak: decel,
          sum: decel,
          n: 1,
          speedMps: startSpeed,
        };
      } else {
        ep.endMs = m.tMs;
        ep.peak = Math.max(ep.peak, decel);
      }
      return undefined;
    }
    if (!ep || decel >= this.config.endDecelMps2) return undefined;
    this.gpsEpisode = undefined;
    if (ep.endMs - ep.startMs < this.config.gpsOnlyMinMs || ep.speedMps < this.config.minSpeedMps)
      return undefined;
    return this.emit(ep.startMs, ep.peak, ep.speedMps, 'gps');
  }

  private emit(
    tMs: number,
    peak: number,
    speedMps: number,
    source: 'imu' | 'gps',
  ): DetectedEvent | undefined {
    if (tMs - this.lastEventMs < this.config.refractoryMs) return undefined;
    this.lastEventMs = tMs;
    return { type: 'hard_brake', tMs, decelMps2: peak, speedMps, source };
  }

  private expire(nowMs: number): DetectedEvent[] {
    return this.pending.length > 0 ? this.confirmPending(nowMs, true) : [];
  }

  private speedsIn(fromMs: number, toMs: number): number[] {
    const out: number[] = [];
    for (const s of this.speeds) if (s.tMs >= fromMs && s.tMs <= toMs) out.push(s.v);
    return out;
  }

  /** Decides everything still pending (end of log). */
  flush(): DetectedEvent[] {
    return this.confirmPending(Number.POSITIVE_INFINITY, false);
  }
}
