import type { GpsMotion } from '../sensors/gpsKinematics.ts';
import type { VehicleSample } from '../sensors/mountCalibration.ts';
import type { FilteredFix } from '../sensors/samples.ts';
import type { Vec3 } from '../sensors/vec3.ts';
import { type DetectedEvent, LowPass } from './detectedEvent.ts';
import { HeadingHistory } from './headingHistory.ts';

/** Thresholds of {@link HardCornerDetector}. */
export interface HardCornerConfig {
  /**
   * 3.5 m/s² (≈ 0.36 g): ordinary urban turns stay under ~2.5 m/s², and telematics vendors
   * flag harsh cornering between 0.3 g and 0.45 g. On real labelled drives (Ferreira Júnior
   * et al. 2017) sharp turns peak at 3.2–4.4 m/s² after the low-pass and ordinary turns at
   * 1.2–1.7 m/s², so 2.8 m/s² sits between them with margin on both sides, also at 5 Hz.
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
   * A real corner turns the vehicle: between 1 s before and 1 s after the episode the heading
   * must change by at least this much (gyro yaw integrated, else GPS heading), the same way as
   * the force where the mount is calibrated. 0.35 rad (20°): the labelled sharp turns of real
   * drives change heading by 1.2–1.6 rad, an aggressive lane change by < 0.1 rad net.
   */
  minHeadingChangeRad: number;
  /** GPS-only fallback: v·ω above threshold sustained this long. */
  gpsOnlyMinMs: number;
  refractoryMs: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_HARD_CORNER: HardCornerConfig = {
  lateralThresholdMps2: 2.8,
  endLateralMps2: 2,
  minDurationMs: 500,
  lowPassTauMs: 300,
  minSpeedMps: 5,
  minHeadingChangeRad: 0.35,
  gpsOnlyMinMs: 1500,
  refractoryMs: 4000,
};

interface Episode {
  startMs: number;
  endMs: number;
  /** Peak of the force's magnitude (lateral component when calibrated). */
  peak: number;
  /** Σ signed lateral component over calibrated samples, and how many there were. */
  latSum: number;
  latN: number;
  n: number;
  speedMps: number;
}

interface GpsEpisode {
  startMs: number;
  endMs: number;
  peak: number;
  speedMps: number;
}

/**
 * Lateral force sustained through a turn, positive to the left (ISO 8855 vehicle axes). The
 * force is the low-passed horizontal vector, so it needs only "down": its side comes from the
 * turn's direction (gyro or GPS heading), and where the mount is calibrated the lateral
 * component must agree. GPS v·ω alone where there is no usable IMU.
 */
export class HardCornerDetector {
  private readonly lp: [LowPass, LowPass, LowPass];
  private readonly latLp: LowPass;
  private episode: Episode | undefined;
  private readonly pending: Episode[] = [];
  private gpsEpisode: GpsEpisode | undefined;
  private speedMps = 0;
  private lastEventMs = Number.NEGATIVE_INFINITY;
  private latestGpsMs = Number.NEGATIVE_INFINITY;
  private readonly gyroHeading = new HeadingHistory();
  private readonly gpsHeading = new HeadingHistory();

  constructor(private readonly config: HardCornerConfig = DEFAULT_HARD_CORNER) {
    this.lp = [
      new LowPass(config.lowPassTauMs),
      new LowPass(config.lowPassTauMs),
      new LowPass(config.lowPassTauMs),
    ];
    this.latLp = new LowPass(config.lowPassTauMs);
  }

  /** Feeds a vehicle-frame IMU sample (needs gravity; uses the lateral axis when calibrated). */
  onImu(s: VehicleSample): DetectedEvent[] {
    if (!Number.isNaN(s.yawRateRps)) this.gyroHeading.addRate(s.tMs, s.yawRateRps);
    const h: Vec3 = [
      this.lp[0].update(s.tMs, s.horiz[0]),
      this.lp[1].update(s.tMs, s.horiz[1]),
      this.lp[2].update(s.tMs, s.horiz[2]),
    ];
    const lat = s.forwardReady ? this.latLp.update(s.tMs, s.latMps2) : Number.NaN;
    if (!s.forwardReady) this.latLp.reset();
    // Calibrated: the lateral component (braking in the turn does not count); else the magnitude.
    const force = s.forwardReady ? Math.abs(lat) : Math.sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
    // Speed unknown (no GPS yet): only the heading change can confirm, so do not gate on speed.
    const fastEnough =
      this.speedMps >= this.config.minSpeedMps || this.latestGpsMs === Number.NEGATIVE_INFINITY;
    const ep = this.episode;
    if (!ep) {
      if (force >= this.config.lateralThresholdMps2 && fastEnough) {
        this.episode = {
          startMs: s.tMs,
          endMs: s.tMs,
          peak: force,
          latSum: 0,
          latN: 0,
          n: 0,
          speedMps: this.speedMps,
        };
        this.add(this.episode, lat);
      }
    } else if (force >= this.config.endLateralMps2) {
      ep.endMs = s.tMs;
      ep.peak = Math.max(ep.peak, force);
      this.add(ep, lat);
    } else {
      this.episode = undefined;
      if (ep.endMs - ep.startMs >= this.config.minDurationMs) this.pending.push(ep);
    }
    return this.decide(s.tMs, true);
  }

  private add(ep: Episode, lat: number): void {
    ep.n++;
    if (Number.isNaN(lat)) return;
    ep.latSum += lat;
    ep.latN++;
  }

  /** Feeds an accepted GPS fix and its motion. */
  onGps(fix: FilteredFix, motion: GpsMotion | undefined, imuCalibrated: boolean): DetectedEvent[] {
    this.speedMps = fix.speedMps;
    this.latestGpsMs = fix.tMs;
    if (motion) this.gpsHeading.addRate(fix.tMs, motion.yawRateRps);
    const out = this.decide(fix.tMs, false);
    if (!imuCalibrated && motion) {
      const e = this.gpsOnly(motion);
      if (e) out.push(e);
    } else {
      this.gpsEpisode = undefined;
    }
    return out;
  }

  private decide(nowMs: number, imuTick: boolean): DetectedEvent[] {
    const out: DetectedEvent[] = [];
    for (let i = 0; i < this.pending.length; ) {
      const ep = this.pending[i] as Episode;
      // The heading 1 s after the episode must be known: the gyro's soon, GPS heading later.
      const gyroIn = !this.gyroHeading.empty && nowMs >= ep.endMs + 1000;
      const gpsIn = !imuTick && this.latestGpsMs >= ep.endMs + 2000;
      if (!gyroIn && !gpsIn && nowMs - ep.endMs <= 5000) {
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
    const heading = this.gyroHeading.empty ? this.gpsHeading : this.gyroHeading;
    if (heading.empty) return undefined;
    const turnRad = heading.change(ep.startMs - 1000, ep.endMs + 1000);
    if (Math.abs(turnRad) < this.config.minHeadingChangeRad) return undefined;
    // Where the mount is calibrated the force must push the way the car turns.
    if (ep.latN >= ep.n / 2 && Math.sign(ep.latSum) !== Math.sign(turnRad)) return undefined;
    return this.emit(ep.startMs, Math.sign(turnRad) * ep.peak, ep.speedMps, 'imu');
  }

  private gpsOnly(m: GpsMotion): DetectedEvent | undefined {
    const lat = m.speedMps * m.yawRateRps;
    const ep = this.gpsEpisode;
    if (Math.abs(lat) >= this.config.lateralThresholdMps2 && m.speedMps >= this.config.minSpeedMps) {
      if (!ep || Math.sign(ep.peak) !== Math.sign(lat)) {
        this.gpsEpisode = { startMs: m.tMs - m.baselineMs, endMs: m.tMs, peak: lat, speedMps: m.speedMps };
      } else {
        ep.endMs = m.tMs;
        if (Math.abs(lat) > Math.abs(ep.peak)) ep.peak = lat;
      }
      return undefined;
    }
    if (!ep || Math.abs(lat) >= this.config.endLateralMps2) return undefined;
    this.gpsEpisode = undefined;
    if (ep.endMs - ep.startMs < this.config.gpsOnlyMinMs) return undefined;
    return this.emit(ep.startMs, ep.peak, ep.speedMps, 'gps');
  }

  private emit(
    startMs: number,
    lateralMps2: number,
    speedMps: number,
    source: 'imu' | 'gps',
  ): DetectedEvent | undefined {
    if (startMs - this.lastEventMs < this.config.refractoryMs) return undefined;
    this.lastEventMs = startMs;
    return { type: 'hard_corner', tMs: startMs, lateralAccelMps2: lateralMps2, speedMps, source };
  }

  /** Decides everything still pending (end of log). */
  flush(): DetectedEvent[] {
    return this.decide(Number.POSITIVE_INFINITY, false);
  }
}
