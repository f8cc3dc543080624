import type { GpsMotion } from './gpsKinematics.ts';
import type { ImuSample } from './samples.ts';
import { cross, dot, normalize, reject, type Vec3 } from './vec3.ts';

/** Tuning of {@link MountCalibration}. */
export interface MountCalibrationConfig {
  /** Gravity time constant while quasi-static: fast enough to settle in seconds. */
  gravityTauStaticMs: number;
  /** Gravity time constant while manoeuvring: slow, so a 10 s acceleration barely tilts "down". */
  gravityTauDynamicMs: number;
  /** A sample is quasi-static when |‖a‖ − g| is below this and GPS shows no manoeuvre. */
  staticTolMps2: number;
  /** Observation time before "down" is trusted. */
  gravityReadyMs: number;
  /**
   * Σ a_gps²·dt needed before "forward" is trusted: 6 (m/s²)²·s is e.g. three ordinary 1.5 m/s²
   * speed changes of ~1 s, which a drive produces in its first minute or two.
   */
  forwardMinExcitation: number;
  /** Correlation between IMU horizontal acceleration and GPS dv/dt needed to trust "forward". */
  forwardMinCorrelation: number;
  /** Memory of the forward estimator, so a re-seated mount is re-learned within minutes. */
  forwardHorizonS: number;
  /** Below this speed GPS speed noise swamps dv/dt: such intervals are not used. */
  forwardMinSpeedMps: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_MOUNT_CALIBRATION: MountCalibrationConfig = {
  gravityTauStaticMs: 2000,
  gravityTauDynamicMs: 30_000,
  staticTolMps2: 0.4,
  gravityReadyMs: 3000,
  forwardMinExcitation: 6,
  forwardMinCorrelation: 0.4,
  forwardHorizonS: 600,
  forwardMinSpeedMps: 2,
};

/** One IMU sample in the vehicle frame (x forward, y left, z up), gravity removed from z. */
export interface VehicleSample {
  tMs: number;
  /** Up, gravity removed: what potholes and bumps show in. Valid once gravity is ready. */
  vertMps2: number;
  /** Forward acceleration (braking negative). `NaN` until forward is calibrated. */
  longMps2: number;
  /** Leftward acceleration (left turn positive). `NaN` until forward is calibrated. */
  latMps2: number;
  /** Magnitude of the horizontal acceleration; orientation-independent once gravity is known. */
  horizMps2: number;
  /** Gyro yaw rate, rad/s counter-clockwise; `NaN` without a gyro. */
  yawRateRps: number;
  forwardReady: boolean;
}

/**
 * Estimates the mounting rotation of a sensor fixed at an unknown angle. Gravity gives "down":
 * a low-pass of the specific force, fast while quasi-static and slow while manoeuvring. GPS
 * speed changes give "forward": the horizontal IMU acceleration averaged over each GPS
 * baseline is regressed on GPS dv/dt, so E[h·a_gps] = E[a_gps²]·forward (lateral and noise
 * terms are uncorrelated with dv/dt and average out). It keeps refining with exponential
 * forgetting, and says honestly when it has not converged.
 */
export class MountCalibration {
  private gravity: Vec3 | undefined;
  private up: Vec3 = [0, 0, 1];
  private gMag = 9.80665;
  private observedMs = 0;
  private lastImuMs: number | undefined;
  private lastMotion: GpsMotion | undefined;
  // Forward estimator state.
  private cov: Vec3 = [0, 0, 0];
  private sAA = 0;
  private sHH = 0;
  private forward: Vec3 | undefined;
  private left: Vec3 | undefined;
  private ready = false;
  private sumH: Vec3 = [0, 0, 0];
  private nH = 0;
  private anchor: GpsMotion | undefined;

  constructor(private readonly config: MountCalibrationConfig = DEFAULT_MOUNT_CALIBRATION) {}

  /** Whether "down" has been observed long enough to use vertical acceleration. */
  get gravityReady(): boolean {
    return this.observedMs >= this.config.gravityReadyMs;
  }

  /** Whether the forward axis has converged; until then detectors fall back to GPS. */
  get forwardReady(): boolean {
    return this.ready;
  }

  /** Current forward axis in sensor coordinates (tests compare it with the true mount). */
  get forwardAxis(): Vec3 | undefined {
    return this.forward;
  }

  /** Current up axis in sensor coordinates. */
  get upAxis(): Vec3 {
    return this.up;
  }

  /** Feeds one IMU sample; returns it in the vehicle frame once gravity is ready. */
  updateImu(s: ImuSample): VehicleSample | undefined {
    const a: Vec3 = [s.ax, s.ay, s.az];
    const dtMs = this.lastImuMs === undefined ? 0 : Math.min(Math.max(s.tMs - this.lastImuMs, 0), 500);
    this.lastImuMs = s.tMs;
    if (!this.gravity) {
      this.gravity = a;
    } else {
      const n = Math.sqrt(dot(a, a));
      const m = this.lastMotion;
      const gpsCalm =
        !m ||
        s.tMs - m.tMs > 2000 ||
        (Math.abs(m.accelMps2) < 0.6 && Math.abs(m.speedMps * m.yawRateRps) < 0.6);
      const quasiStatic = Math.abs(n - this.gMag) < this.config.staticTolMps2 && gpsCalm;
      const tau = quasiStatic ? this.config.gravityTauStaticMs : this.config.gravityTauDynamicMs;
      const alpha = dtMs / (tau + dtMs);
      const g = this.gravity;
      g[0] += alpha * (a[0] - g[0]);
      g[1] += alpha * (a[1] - g[1]);
      g[2] += alpha * (a[2] - g[2]);
      this.observedMs += dtMs;
    }
    const up = normalize(this.gravity);
    if (up) {
      this.up = up;
      this.gMag = Math.sqrt(dot(this.gravity, this.gravity));
    }
    if (!this.gravityReady) return undefined;

    const h = reject(a, this.up);
    if (this.anchor) {
      this.sumH[0] += h[0];
      this.sumH[1] += h[1];
      this.sumH[2] += h[2];
      this.nH++;
    }
    const horizMps2 = Math.sqrt(dot(h, h));
    const vertMps2 = dot(a, this.up) - this.gMag;
    const yawRateRps = s.gx !== undefined ? dot([s.gx, s.gy ?? 0, s.gz ?? 0], this.up) : Number.NaN;
    if (this.ready && this.forward && this.left) {
      return {
        tMs: s.tMs,
        vertMps2,
        longMps2: dot(h, this.forward),
        latMps2: dot(h, this.left),
        horizMps2,
        yawRateRps,
        forwardReady: true,
      };
    }
    return {
      tMs: s.tMs,
      vertMps2,
      longMps2: Number.NaN,
      latMps2: Number.NaN,
      horizMps2,
      yawRateRps,
      forwardReady: false,
    };
  }

  /** Feeds GPS motion (one per accepted fix with a baseline). */
  updateGps(m: GpsMotion): void {
    this.lastMotion = m;
    const anchor = this.anchor;
    if (!anchor || m.tMs - anchor.tMs > 3000) {
      this.startInterval(m);
      return;
    }
    if (m.tMs - anchor.tMs < 1000) return;
    const dtS = (m.tMs - anchor.tMs) / 1000;
    // Need a few IMU samples in the interval (5 Hz IMU over 1 s gives 5).
    if (
      this.nH >= 3 &&
      this.gravityReady &&
      Math.min(m.speedMps, anchor.speedMps) >= this.config.forwardMinSpeedMps
    ) {
      const aGps = (m.speedMps - anchor.speedMps) / dtS;
      const hMean: Vec3 = [this.sumH[0] / this.nH, this.sumH[1] / this.nH, this.sumH[2] / this.nH];
      const keep = Math.max(0, 1 - dtS / this.config.forwardHorizonS);
      this.cov = [
        this.cov[0] * keep + hMean[0] * aGps * dtS,
        this.cov[1] * keep + hMean[1] * aGps * dtS,
        this.cov[2] * keep + hMean[2] * aGps * dtS,
      ];
      this.sAA = this.sAA * keep + aGps * aGps * dtS;
      this.sHH = this.sHH * keep + dot(hMean, hMean) * dtS;
      this.refreshForward();
    }
    this.startInterval(m);
  }

  private startInterval(m: GpsMotion): void {
    this.anchor = m;
    this.sumH = [0, 0, 0];
    this.nH = 0;
  }

  private refreshForward(): void {
    const f = normalize(reject(this.cov, this.up));
    if (!f) return;
    const c = Math.sqrt(dot(this.cov, this.cov));
    const corr = this.sAA > 0 && this.sHH > 0 ? c / Math.sqrt(this.sAA * this.sHH) : 0;
    this.forward = f;
    this.left = cross(this.up, f);
    this.ready = this.sAA >= this.config.forwardMinExcitation && corr >= this.config.forwardMinCorrelation;
  }
}
