import type { GpsMotion } from '../sensors/gpsKinematics.ts';
import type { VehicleSample } from '../sensors/mountCalibration.ts';
import type { FilteredFix } from '../sensors/samples.ts';
import type { Vec3 } from '../sensors/vec3.ts';
import { type DetectedEvent, LowPass } from './detectedEvent.ts';
import { HeadingHistory } from './headingHistory.ts';

/** Thresholds of {@link HardBrakeDetector}. */
export interface HardBrakeConfig {
  /**
   * 3 m/s² (0.3 g) is the hard-braking threshold insurers' telematics programmes and
   * naturalistic-driving studies use. On real labelled drives (Ferreira Júnior et al. 2017) hard
   * brakes peak at 3.1–4.2 m/s² after this low-pass and ordinary driving stays under ~1.8 m/s²
   * 99 % of the time, so 2.8 m/s² catches a 0.3 g brake whose peak a phone mount softens.
   */
  decelThresholdMps2: number;
  /** Hysteresis: an episode ends when the horizontal force falls below this. */
  endDecelMps2: number;
  /**
   * A hard brake lasts 1–3 s; a pothole or bump jolts the longitudinal axis for < 0.2 s.
   * Requiring 0.4 s above threshold (after the low-pass) keeps road jolts out.
   */
  minDurationMs: number;
  /**
   * Low-pass time constant (cut-off ≈ 0.4 Hz): removes engine and road vibration, keeps a 1–3 s
   * brake. 400 ms rather than less because a 5 Hz sensor read as snapshots leaves vibration
   * unaveraged: on real 5 Hz city drives it cut brake reports by a quarter with no loss of
   * labelled hard brakes.
   */
  lowPassTauMs: number;
  /** Below ~11 km/h a "hard brake" is parking manoeuvres, not road safety. */
  minSpeedMps: number;
  /**
   * A real hard brake shows in GPS speed too: the GPS speed drop across the episode must be at
   * least this share of the IMU-integrated drop (GPS lag and filtering eat the rest).
   */
  gpsConfirmRatio: number;
  /** …and at least this many m/s. */
  gpsMinDropMps: number;
  /**
   * Before the mount is calibrated, a sustained horizontal force whose heading changes more than
   * this (rad) is a corner, not a brake. (Calibrated, the longitudinal axis tells them apart, and
   * a hard brake in a bend counts.)
   */
  maxHeadingChangeRad: number;
  /**
   * Where neither a calibrated mount nor GPS can say "backwards", the force must also be
   * straight: the heading may swing by no more than this (rad) around the episode. On the real
   * labelled drives an aggressive lane change swings 0.16–0.45 rad and back (net zero), a hard
   * brake < 0.05 rad at 50 Hz and ≤ 0.12 rad read at 5 Hz.
   */
  maxUnconfirmedSwingRad: number;
  /**
   * GPS-only fallback (no calibrated IMU): speed differenced over 2 s baselines. A 0.3–0.35 g
   * stop measured by a car's wheel speed shows in 1 Hz receiver speed (Doppler, filtered, ~1 s
   * late) as 2.4–3.2 m/s² over 2 s; steady traffic rarely exceeds 1.5 m/s². See
   * `docs/camera-real-data.md`.
   */
  gpsOnlyDecelMps2: number;
  /** …sustained over at least this much of the brake (two 1 Hz fixes). */
  gpsOnlyMinMs: number;
  /** One event per brake: no second event within this time. */
  refractoryMs: number;
}

/** Defaults; see the field comments for their sources. */
export const DEFAULT_HARD_BRAKE: HardBrakeConfig = {
  decelThresholdMps2: 2.8,
  endDecelMps2: 1.5,
  minDurationMs: 400,
  lowPassTauMs: 400,
  minSpeedMps: 3,
  gpsConfirmRatio: 0.5,
  gpsMinDropMps: 1.5,
  maxHeadingChangeRad: 0.35,
  maxUnconfirmedSwingRad: 0.15,
  gpsOnlyDecelMps2: 2.4,
  gpsOnlyMinMs: 2000,
  refractoryMs: 3000,
};

/** How long after a brake the GPS speed drop is awaited (receiver lag up to ~1.5 s). */
const GPS_EVIDENCE_MS = 2500;
/** No fix for this long around a brake: the camera has no GPS for it. */
const GPS_ABSENT_MS = 10_000;

interface Episode {
  startMs: number;
  endMs: number;
  peak: number;
  sum: number;
  n: number;
  /** How many of its samples were on the calibrated longitudinal axis. */
  calibratedN: number;
}

interface GpsEpisode {
  startMs: number;
  endMs: number;
  peak: number;
  speedMps: number;
}

/**
 * Sustained deceleration. Where the mount has converged, the deceleration along the car's axis;
 * before that, any sustained horizontal force (the low-passed horizontal vector, so it needs
 * only "down") that does not turn the car. Either way the GPS speed drop must account for it
 * wherever there is GPS. Without a usable IMU it falls back to GPS speed alone, thresholds set
 * from real 1 Hz receivers.
 */
export class HardBrakeDetector {
  private readonly lp: [LowPass, LowPass, LowPass];
  private readonly longLp: LowPass;
  private imuEpisode: Episode | undefined;
  private readonly pending: Episode[] = [];
  private gpsEpisode: GpsEpisode | undefined;
  private readonly speeds: { tMs: number; v: number }[] = [];
  private lastEventMs = Number.NEGATIVE_INFINITY;
  private latestGpsMs = Number.NEGATIVE_INFINITY;
  private readonly gyroHeading = new HeadingHistory();
  private readonly gpsHeading = new HeadingHistory();

  constructor(private readonly config: HardBrakeConfig = DEFAULT_HARD_BRAKE) {
    this.lp = [
      new LowPass(config.lowPassTauMs),
      new LowPass(config.lowPassTauMs),
      new LowPass(config.lowPassTauMs),
    ];
    this.longLp = new LowPass(config.lowPassTauMs);
  }

  /** Feeds a vehicle-frame IMU sample (needs gravity; uses forward when calibrated). */
  onImu(s: VehicleSample): DetectedEvent[] {
    const h: Vec3 = [
      this.lp[0].update(s.tMs, s.horiz[0]),
      this.lp[1].update(s.tMs, s.horiz[1]),
      this.lp[2].update(s.tMs, s.horiz[2]),
    ];
    if (!Number.isNaN(s.yawRateRps)) this.gyroHeading.addRate(s.tMs, s.yawRateRps);
    // Calibrated: the deceleration along the car's axis, so braking gently through a bend
    // (ordinary braking plus cornering) is not a hard brake. Else the whole horizontal force,
    // and the decision asks the heading and GPS what it was.
    let force: number;
    if (s.forwardReady) force = -this.longLp.update(s.tMs, s.longMps2);
    else {
      this.longLp.reset();
      force = Math.sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]);
    }
    const ep = this.imuEpisode;
    if (!ep) {
      if (force >= this.config.decelThresholdMps2) {
        this.imuEpisode = {
          startMs: s.tMs,
          endMs: s.tMs,
          peak: force,
          sum: force,
          n: 1,
          calibratedN: s.forwardReady ? 1 : 0,
        };
      }
    } else if (force >= this.config.endDecelMps2) {
      ep.endMs = s.tMs;
      ep.peak = Math.max(ep.peak, force);
      ep.sum += force;
      ep.n++;
      if (s.forwardReady) ep.calibratedN++;
    } else {
      this.imuEpisode = undefined;
      if (ep.endMs - ep.startMs >= this.config.minDurationMs) this.pending.push(ep);
    }
    return this.expire(s.tMs);
  }

  /** Feeds an accepted GPS fix and its motion (if it had a baseline). */
  onGps(fix: FilteredFix, motion: GpsMotion | undefined, imuCalibrated: boolean): DetectedEvent[] {
    this.latestGpsMs = fix.tMs;
    if (motion) this.gpsHeading.addRate(fix.tMs, motion.yawRateRps);
    this.speeds.push({ tMs: fix.tMs, v: fix.speedMps });
    while (this.speeds.length > 0 && fix.tMs - (this.speeds[0] as { tMs: number }).tMs > 30_000)
      this.speeds.shift();
    const out = this.confirmPending(fix.tMs, false);
    if (!imuCalibrated && motion && !fix.speedDerived) {
      const e = this.gpsOnly(fix.tMs);
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
      const evidenceIn = !timeoutOnly && this.latestGpsMs >= ep.endMs + GPS_EVIDENCE_MS;
      const timedOut = nowMs - ep.endMs > GPS_EVIDENCE_MS + 3000;
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
    const heading = this.gyroHeading.empty ? this.gpsHeading : this.gyroHeading;
    // On the calibrated axis the force is a deceleration by construction (a brake in a bend
    // included); otherwise a turn explains a sustained horizontal force better than a brake.
    const calibrated = ep.calibratedN >= ep.n / 2;
    if (
      !calibrated &&
      Math.abs(heading.change(ep.startMs - 1000, ep.endMs + 1000)) > this.config.maxHeadingChangeRad
    )
      return undefined;
    const meanForce = ep.sum / ep.n;
    const before = this.speedsIn(ep.startMs - 1500, ep.startMs + 500);
    const after = this.speedsIn(ep.endMs - 250, ep.endMs + GPS_EVIDENCE_MS);
    const gpsSeen = this.speedsIn(ep.startMs - GPS_ABSENT_MS, ep.endMs + GPS_EVIDENCE_MS).length > 0;
    if (!gpsSeen) {
      // No GPS at all (no fix yet, a camera without one): the calibrated axis says "backwards";
      // without one, a sustained straight-line force this strong is a brake (family cars
      // accelerate at ≤ 0.25 g: the real drives' aggressive starts peak at 1.3–2.4 m/s²).
      // Speed is unknown (0): the event stays on the device, unplaced.
      if (
        !calibrated &&
        heading.swing(ep.startMs - 1000, ep.endMs + 1000) > this.config.maxUnconfirmedSwingRad
      )
        return undefined;
      return this.emit(ep.startMs, ep.peak, 0, 'imu');
    }
    if (before.length === 0) return undefined;
    const speedMps = Math.max(...before);
    if (after.length === 0) {
      // GPS dropout (tunnel): trust a calibrated IMU alone only for a clearly sustained brake.
      if (!calibrated || ep.endMs - ep.startMs < 2 * this.config.minDurationMs) return undefined;
    } else {
      // The GPS speed drop is the witness either way: an acceleration or a corner has none.
      const drop = speedMps - Math.min(...after);
      const imuDrop = meanForce * ((ep.endMs - ep.startMs) / 1000);
      if (drop < this.config.gpsMinDropMps || drop < this.config.gpsConfirmRatio * imuDrop) return undefined;
    }
    if (speedMps < this.config.minSpeedMps) return undefined;
    return this.emit(ep.startMs, ep.peak, speedMps, 'imu');
  }

  /**
   * GPS alone: the speed drop over the last ~2 s (differencing over 2 s halves the receiver's
   * speed noise against 1 s, and a real brake lasts longer than that).
   */
  private gpsOnly(nowMs: number): DetectedEvent | undefined {
    const rate = this.gpsDecel(nowMs);
    const ep = this.gpsEpisode;
    if (rate !== undefined && rate.decel >= this.config.gpsOnlyDecelMps2) {
      if (!ep)
        this.gpsEpisode = { startMs: rate.fromMs, endMs: nowMs, peak: rate.decel, speedMps: rate.fromSpeed };
      else {
        ep.endMs = nowMs;
        ep.peak = Math.max(ep.peak, rate.decel);
      }
      return undefined;
    }
    if (!ep) return undefined;
    this.gpsEpisode = undefined;
    if (ep.endMs - ep.startMs < this.config.gpsOnlyMinMs || ep.speedMps < this.config.minSpeedMps)
      return undefined;
    return this.emit(ep.startMs, ep.peak, ep.speedMps, 'gps');
  }

  /** Deceleration over the newest ~2 s of GPS speed (1.5–3 s baseline), if there is one. */
  private gpsDecel(nowMs: number): { decel: number; fromMs: number; fromSpeed: number } | undefined {
    const last = this.speeds[this.speeds.length - 1];
    if (!last) return undefined;
    for (let i = this.speeds.length - 2; i >= 0; i--) {
      const s = this.speeds[i] as { tMs: number; v: number };
      const dtMs = nowMs - s.tMs;
      if (dtMs < 1500) continue;
      if (dtMs > 3000) return undefined;
      return { decel: (s.v - last.v) / (dtMs / 1000), fromMs: s.tMs, fromSpeed: s.v };
    }
    return undefined;
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
    const out = this.confirmPending(Number.POSITIVE_INFINITY, false);
    const gps = this.gpsEpisode;
    if (
      gps &&
      gps.endMs - gps.startMs >= this.config.gpsOnlyMinMs &&
      gps.speedMps >= this.config.minSpeedMps
    ) {
      this.gpsEpisode = undefined;
      const e = this.emit(gps.startMs, gps.peak, gps.speedMps, 'gps');
      if (e) out.push(e);
    }
    return out;
  }
}
