import type { GpsMotion } from '../sensors/gpsKinematics.ts';
import type { VehicleSample } from '../sensors/mountCalibration.ts';
import type { FilteredFix } from '../sensors/samples.ts';
import { type DetectedEvent, LowPass } from './detectedEvent.ts';

/** Thresholds of {@link HardCornerDetector}. */
export interface HardCornerConfig {
  /**
   * 3.5 m/s² (≈ 0.36 g): ordinary urban turns stay under ~2.5 m/s², and telematics vendors
   * flag harsh cornering between 0.3 g and 0.45 g.
   */
  lateralThresholdMps2: number;
  /** Hysteresis end of an episode. */
  endLateralMps2: number;
  /** A corner lasts seconds; a pothole jolt lasts < 0.2 s. */
  minDurationMs: number;
  lowPassTauMs: number;
  /** Below ~18 km/h lateral figures are parking manoeuvres. */
  minSpeedMps: number;
  /**
   * Cross-check: centripetal acceleration v·ω (gyro, else GPS heading rate) must reach this
   * share of the IMU lateral peak, with the same sign: a real corner turns the vehicle.
   */
  yawConfirmRatio: number;
  /** GPS-only fallback: v·ω above threshold sustained this long. */
  gpsOnlyMinMs: number;
  refractoryMs: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_HARD_CORNER: HardCornerConfig = {
  lateralThresholdMps2: 3.5,
  endLateralMps2: 2,
  minDurationMs: 500,
  lowPassTauMs: 300,
  minSpeedMps: 5,
  yawConfirmRatio: 0.5,
  gpsOnlyMinMs: 1500,
  refractoryMs: 4000,
};

interface Episode {
  startMs: number;
  endMs: number;
  /** Signed lateral peak (left positive). */
  peak: number;
  /** Largest v·ω seen with the episode's sign (gyro or GPS). */
  yawEvidence: number;
  speedMps: number;
}

/**
 * Lateral acceleration sustained through a corner, positive to the left (ISO 8855 vehicle
 * axes). Calibrated IMU confirmed by yaw rate; GPS v·ω before calibration converges.
 */
export class HardCornerDetector {
  private readonly lp: LowPass;
  private episode: Episode | undefined;
  private readonly pending: Episode[] = [];
  private gpsEpisode: Episode | undefined;
  private speedMps = 0;
  private lastEventMs = Number.NEGATIVE_INFINITY;
  private latestGpsMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly config: HardCornerConfig = DEFAULT_HARD_CORNER) {
    this.lp = new LowPass(config.lowPassTauMs);
  }

  /** Feeds a vehicle-frame IMU sample. */
  onImu(s: VehicleSample): DetectedEvent[] {
    if (!s.forwardReady) {
      this.lp.reset();
      this.episode = undefined;
      return this.decide(s.tMs, true);
    }
    const lat = this.lp.update(s.tMs, s.latMps2);
    const ep = this.episode;
    const gyroEvidence = Number.isNaN(s.yawRateRps) ? 0 : this.speedMps * s.yawRateRps;
    if (!ep) {
      if (Math.abs(lat) >= this.config.lateralThresholdMps2 && this.speedMps >= this.config.minSpeedMps) {
        this.episode = { startMs: s.tMs, endMs: s.tMs, peak: lat, yawEvidence: 0, speedMps: this.speedMps };
        this.addEvidence(this.episode, gyroEvidence);
      }
    } else if (Math.sign(lat) === Math.sign(ep.peak) && Math.abs(lat) >= this.config.endLateralMps2) {
      ep.endMs = s.tMs;
      if (Math.abs(lat) > Math.abs(ep.peak)) ep.peak = lat;
      this.addEvidence(ep, gyroEvidence);
    } else {
      this.episode = undefined;
      if (ep.endMs - ep.startMs >= this.config.minDurationMs) this.pending.push(ep);
    }
    return this.decide(s.tMs, true);
  }

  /** Feeds an accepted GPS fix and its motion. */
  onGps(fix: FilteredFix, motion: GpsMotion | undefined, imuCalibrated: boolean): DetectedEvent[] {
    this.speedMps = fix.speedMps;
    this.latestGpsMs = fix.tMs;
    if (motion) {
      const centripetal = motion.speedMps * motion.yawRateRps;
      if (this.episode) this.addEvidence(this.episode, centripetal);
      for (const ep of this.pending) if (motion.tMs <= ep.endMs + 1500) this.addEvidence(ep, centripetal);
    }
    const out = this.decide(fix.tMs, false);
    if (!imuCalibrated && motion) {
      const e = this.gpsOnly(motion);
      if (e) out.push(e);
    } else {
      this.gpsEpisode = undefined;
    }
    return out;
  }

  private addEvidence(ep: Episode, centripetal: number): void {
    const signed = Math.sign(ep.peak) * centripetal;
    if (signed > ep.yawEvidence) ep.yawEvidence = signed;
  }

  private decide(nowMs: number, imuTick: boolean): DetectedEvent[] {
    const out: DetectedEvent[] = [];
    for (let i = 0; i < this.pending.length; ) {
      const ep = this.pending[i] as Episode;
      const evidenceIn = !imuTick && this.latestGpsMs >= ep.endMs + 1500;
      if (!evidenceIn && nowMs - ep.endMs <= 5000) {
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      if (ep.yawEvidence >= this.config.yawConfirmRatio * Math.abs(ep.peak)) {
        const e = this.emit(ep, 'imu');
        if (e) out.push(e);
      }
    }
    return out;
  }

  private gpsOnly(m: GpsMotion): DetectedEvent | undefined {
    const lat = m.speedMps * m.yawRateRps;
    const ep = this.gpsEpisode;
    if (Math.abs(lat) >= this.config.lateralThresholdMps2 && m.speedMps >= this.config.minSpeedMps) {
      if (!ep || Math.sign(ep.peak) !== Math.sign(lat)) {
        this.gpsEpisode = {
          startMs: m.tMs - m.baselineMs,
          endMs: m.tMs,
          peak: lat,
          yawEvidence: 0,
          speedMps: m.speedMps,
        };
      } else {
        ep.endMs = m.tMs;
        if (Math.abs(lat) > Math.abs(ep.peak)) ep.peak = lat;
      }
      return undefined;
    }
    if (!ep || Math.abs(lat) >= this.config.endLateralMps2) return undefined;
    this.gpsEpisode = undefined;
    if (ep.endMs - ep.startMs < this.config.gpsOnlyMinMs) return undefined;
    return this.emit(ep, 'gps');
  }

  private emit(ep: Episode, source: 'imu' | 'gps'): DetectedEvent | undefined {
    if (ep.startMs - this.lastEventMs < this.config.refractoryMs) return undefined;
    this.lastEventMs = ep.startMs;
    return { type: 'hard_corner', tMs: ep.startMs, lateralAccelMps2: ep.peak, speedMps: ep.speedMps, source };
  }

  /** Decides everything still pending (end of log). */
  flush(): DetectedEvent[] {
    return this.decide(Number.POSITIVE_INFINITY, false);
  }
}
