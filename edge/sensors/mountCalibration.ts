import type { GpsMotion } from './gpsKinematics.ts';
import type { ImuSample } from './samples.ts';
import { cross, dot, normalize, reject, type Vec3 } from './vec3.ts';

/** Tuning of {@link MountCalibration}. */
export interface MountCalibrationConfig {
  /** Gravity time constant while quasi-static: fast enough to settle in seconds. */
  gravityTauStaticMs: number;
  /** Gravity time constant while manoeuvring: slow, so a 10 s acceleration barely tilts "down". */
  gravityTauDynamicMs: number;
  /**
   * A sample is quasi-static when |‖a‖ − g| and its tilt from the current "down" (as a force)
   * are both below this and GPS shows no manoeuvre.
   */
  staticTolMps2: number;
  /** Observation time before "down" is trusted. */
  gravityReadyMs: number;
  /**
   * The mount's yaw is trusted once its estimated 1σ error is below this. 10° costs a detector
   * 1.5 % of a brake's magnitude (cos 10°) and leaks 17 % of it into the lateral axis, well
   * under the gap between hard (≥ 3 m/s²) and ordinary (≤ 1.5 m/s²) manoeuvres.
   */
  convergedSigmaDeg: number;
  /**
   * …and the GPS-referenced motion seen is at least this much: Σ|r|² in (m/s²)² over ~1 s
   * observations, e.g. one ordinary stop (2 m/s² for 3 s) and a turn. It keeps a lucky fit on
   * a few quiet seconds from claiming convergence.
   */
  minExcitation: number;
  /** A converged estimate is dropped again (re-seated mount) when its error grows past this. */
  divergedSigmaDeg: number;
  /** Memory of the estimator, so a re-seated mount is re-learned within minutes. */
  horizonS: number;
  /** Below this speed GPS speed noise swamps dv/dt: such intervals are not used. */
  minSpeedMps: number;
  /**
   * Turns seen only by the gyro (no GPS speed) weigh as if driven at this speed: their
   * direction needs no speed, only their weight against GPS evidence does.
   */
  nominalSpeedMps: number;
  /**
   * GPS speed lags the IMU: receivers filter Doppler speed, and phones deliver fixes late.
   * Each of these lags is tried and the one the data fit best is used.
   */
  gpsLagsMs: readonly number[];
  /**
   * A mount moved by more than this (degrees of "down")… 35°: hard braking or cornering
   * tilts the specific force by ≤ 25° (0.45 g), a re-seated or dropped phone by 45–90°.
   */
  reseatAngleDeg: number;
  /** …for this long (ms), longer than any brake holds its tilt, starts calibration over. */
  reseatMs: number;
}

/** Defaults; see the field comments for their reasons. */
export const DEFAULT_MOUNT_CALIBRATION: MountCalibrationConfig = {
  gravityTauStaticMs: 2000,
  gravityTauDynamicMs: 30_000,
  staticTolMps2: 0.4,
  gravityReadyMs: 3000,
  convergedSigmaDeg: 10,
  minExcitation: 12,
  divergedSigmaDeg: 20,
  horizonS: 600,
  minSpeedMps: 2,
  nominalSpeedMps: 10,
  gpsLagsMs: [0, 250, 500, 750, 1000, 1500],
  reseatAngleDeg: 35,
  reseatMs: 5000,
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
  /**
   * The horizontal acceleration itself, in sensor axes: detectors low-pass this vector (not its
   * magnitude, which vibration would inflate) before forward is known.
   */
  horiz: Vec3;
  /** Gyro yaw rate, rad/s counter-clockwise; `NaN` without a gyro. */
  yawRateRps: number;
  forwardReady: boolean;
}

/** What the calibration knows, for the device log, the map and tests. */
export interface CalibrationState {
  gravityReady: boolean;
  forwardReady: boolean;
  /** Estimated 1σ error of the mount's yaw, degrees (`Infinity` before any evidence). */
  yawSigmaDeg: number;
  /** Sensor time at which forward last became trusted. */
  convergedAtMs: number | undefined;
  /** GPS lag the data fit best, ms. */
  gpsLagMs: number;
  /** How often the mount was found moved and calibration started over. */
  reseats: number;
  /** The log's accelerometer sign is the opposite of the contract's (found against GPS heading). */
  mirrored: boolean;
}

/** IMU bins of this width keep enough history to re-align GPS intervals with any lag. */
const BIN_MS = 250;
const HISTORY_BINS = 32;

/** Least-squares sums of one lag hypothesis (or of the gyro-only evidence). */
interface Fit {
  /** Σ w (a_long·h + a_lat·(h × up)): along the forward axis, |V| ≈ Σ w|r|². */
  v: Vec3;
  /** Σ w |r|², the reference excitation. */
  srr: number;
  /** Σ w |h|². */
  shh: number;
  /** Σ w, the number of observations. */
  n: number;
}

function emptyFit(): Fit {
  return { v: [0, 0, 0], srr: 0, shh: 0, n: 0 };
}

/**
 * Estimates the mounting rotation of a sensor fixed at an unknown angle.
 *
 * - **Down** is a low-pass of the specific force, fast while quasi-static and slow while
 *   manoeuvring.
 * - **Forward** is a 2-D rotation fit (orthogonal Procrustes) between the horizontal IMU
 *   acceleration h, averaged over ~1 s, and the vehicle-frame acceleration the other sensors
 *   say happened: longitudinal a = dv/dt from GPS speed, lateral a = v·ω from the gyro's yaw
 *   rate (or GPS heading rate). Speed changes and turns both inform it, so a windshield phone,
 *   a landscape cradle or a camera upside down converge on the first few stops or corners.
 *   With no GPS at all, turns seen by the gyro alone still give the axis.
 * - GPS lag is fitted, not assumed: several lags are accumulated side by side.
 * - Its own error is estimated from the fit's residual (σθ² ≈ σ²/Σ|r|²), so it says when it has
 *   converged and how sure it is; forgetting re-learns a re-seated mount.
 */
export class MountCalibration {
  private gravity: Vec3 | undefined;
  private up: Vec3 = [0, 0, 1];
  private gMag = 9.80665;
  private observedMs = 0;
  private lastImuMs: number | undefined;
  private lastMotion: GpsMotion | undefined;
  private forward: Vec3 | undefined;
  private left: Vec3 | undefined;
  private ready = false;
  private sigmaDeg = Number.POSITIVE_INFINITY;
  private convergedAt: number | undefined;
  private bestLag = 0;
  private fits: Fit[];
  private gyroFit = emptyFit();
  // Ring of IMU bins: horizontal acceleration sums, yaw-rate sums, counts.
  private readonly binStart = new Float64Array(HISTORY_BINS).fill(Number.NaN);
  private readonly binH = new Float64Array(HISTORY_BINS * 3);
  private readonly binYaw = new Float64Array(HISTORY_BINS);
  private readonly binYawN = new Float64Array(HISTORY_BINS);
  private readonly binN = new Float64Array(HISTORY_BINS);
  private gyroWindowStart: number | undefined;
  private fastGravity: Vec3 | undefined;
  private tiltedSinceMs: number | undefined;
  private reseats = 0;
  private yawAgreement = 0;
  private yawEvidence = 0;
  private gyroYawEnergy = 0;
  private mirrored = false;

  constructor(private readonly config: MountCalibrationConfig = DEFAULT_MOUNT_CALIBRATION) {
    this.fits = config.gpsLagsMs.map(emptyFit);
  }

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

  /** Convergence and confidence. */
  get state(): CalibrationState {
    return {
      gravityReady: this.gravityReady,
      forwardReady: this.ready,
      yawSigmaDeg: this.sigmaDeg,
      convergedAtMs: this.convergedAt,
      gpsLagMs: this.config.gpsLagsMs[this.bestLag] ?? 0,
      reseats: this.reseats,
      mirrored: this.mirrored,
    };
  }

  /** Feeds one IMU sample; returns it in the vehicle frame once gravity is ready. */
  updateImu(s: ImuSample): VehicleSample | undefined {
    const a: Vec3 = [s.ax, s.ay, s.az];
    const dtMs = this.lastImuMs === undefined ? 0 : Math.min(Math.max(s.tMs - this.lastImuMs, 0), 500);
    this.lastImuMs = s.tMs;
    this.updateGravity(a, s.tMs, dtMs);
    if (!this.gravityReady) return undefined;

    const h = reject(a, this.up);
    const yawRateRps = s.gx !== undefined ? dot([s.gx, s.gy ?? 0, s.gz ?? 0], this.up) : Number.NaN;
    this.bin(s.tMs, h, yawRateRps);
    this.gyroOnly(s.tMs);
    const horizMps2 = Math.sqrt(dot(h, h));
    const vertMps2 = dot(a, this.up) - this.gMag;
    const calibrated = this.ready && this.forward !== undefined && this.left !== undefined;
    // A mirrored sensor (see `mirrored`) turns left when it says right; the fit is unaffected.
    const side = this.mirrored ? -1 : 1;
    return {
      tMs: s.tMs,
      vertMps2,
      longMps2: calibrated ? dot(h, this.forward as Vec3) : Number.NaN,
      latMps2: calibrated ? side * dot(h, this.left as Vec3) : Number.NaN,
      horizMps2,
      horiz: h,
      yawRateRps: side * yawRateRps,
      forwardReady: calibrated,
    };
  }

  /** Feeds GPS motion (one per accepted fix with a ≥ 1 s baseline). */
  updateGps(m: GpsMotion): void {
    this.lastMotion = m;
    if (!this.gravityReady || m.speedMps < this.config.minSpeedMps) return;
    const vStart = m.speedMps - m.accelMps2 * (m.baselineMs / 1000);
    if (vStart < this.config.minSpeedMps) return;
    const dtS = m.baselineMs / 1000;
    const keep = Math.max(0, 1 - dtS / this.config.horizonS);
    this.config.gpsLagsMs.forEach((lagMs, i) => {
      const w = this.window(m.tMs - m.baselineMs - lagMs, m.tMs - lagMs);
      if (!w) return;
      if (i === this.bestLag && !Number.isNaN(w.yawRateRps))
        this.checkHandedness(w.yawRateRps, m.yawRateRps, dtS);
      // Lateral reference: the gyro over the same IMU window, else GPS heading rate.
      const yaw = Number.isNaN(w.yawRateRps) ? m.yawRateRps : w.yawRateRps;
      this.observe(this.fits[i] as Fit, w.h, m.accelMps2, m.speedMps * yaw, dtS, keep);
    });
    this.refresh(m.tMs);
  }

  /**
   * The contract's accelerometer reads +9.81 m/s² along "up" at rest. A log in the opposite
   * convention (iOS's −1 g) flips the "up" found from gravity, and with it the sign of the yaw
   * rate about it and of the lateral axis, while every fit stays consistent. Only an outside
   * witness can tell: GPS heading turns left when the car does. When the gyro's yaw keeps
   * disagreeing with GPS in sign, the side of corners is mirrored back.
   */
  private checkHandedness(gyroYawRps: number, gpsYawRps: number, dtS: number): void {
    if (Math.abs(gpsYawRps) < 0.05) return;
    this.yawAgreement += gyroYawRps * gpsYawRps * dtS;
    this.yawEvidence += gpsYawRps * gpsYawRps * dtS;
    this.gyroYawEnergy += gyroYawRps * gyroYawRps * dtS;
    // A couple of turns' worth of evidence, then a clear correlation either way (GPS heading
    // lags and is noisy, so the two never agree perfectly; hysteresis keeps the verdict stable).
    if (this.yawEvidence < 0.3) return;
    const corr = this.yawAgreement / Math.sqrt(this.yawEvidence * this.gyroYawEnergy);
    if (corr < -0.3) this.mirrored = true;
    else if (corr > 0.3) this.mirrored = false;
  }

  private updateGravity(a: Vec3, tMs: number, dtMs: number): void {
    if (!this.gravity) {
      this.gravity = a;
    } else {
      const n = Math.sqrt(dot(a, a));
      const m = this.lastMotion;
      const gpsCalm =
        !m ||
        tMs - m.tMs > 2000 ||
        (Math.abs(m.accelMps2) < 0.6 && Math.abs(m.speedMps * m.yawRateRps) < 0.6);
      // A brake or a corner tilts the specific force by 15–25° while barely changing its
      // length: only a force that also points along the current "down" is quasi-static.
      const h = reject(a, this.up);
      const aligned = Math.sqrt(dot(h, h)) < this.config.staticTolMps2;
      const quasiStatic = Math.abs(n - this.gMag) < this.config.staticTolMps2 && aligned && gpsCalm;
      const tau = quasiStatic ? this.config.gravityTauStaticMs : this.config.gravityTauDynamicMs;
      const alpha = dtMs / (tau + dtMs);
      const g = this.gravity;
      g[0] += alpha * (a[0] - g[0]);
      g[1] += alpha * (a[1] - g[1]);
      g[2] += alpha * (a[2] - g[2]);
      this.observedMs += dtMs;
      this.watchReseat(a, tMs, dtMs);
    }
    const up = normalize(this.gravity);
    if (up) {
      this.up = up;
      this.gMag = Math.sqrt(dot(this.gravity, this.gravity));
    }
  }

  /**
   * A mount that is moved (re-seated, knocked, the phone taken out and laid flat) points
   * "down" somewhere else for good. A fast low-pass of the force that stays more than
   * `reseatAngleDeg` from the slow one for `reseatMs` — further and longer than any brake or
   * corner tilts it — means the old calibration is void: start again from the new "down".
   */
  private watchReseat(a: Vec3, tMs: number, dtMs: number): void {
    const alpha = dtMs / (this.config.gravityTauStaticMs + dtMs);
    const f = this.fastGravity ?? [a[0], a[1], a[2]];
    f[0] += alpha * (a[0] - f[0]);
    f[1] += alpha * (a[1] - f[1]);
    f[2] += alpha * (a[2] - f[2]);
    this.fastGravity = f;
    const fu = normalize(f);
    const tilted =
      fu !== undefined && dot(fu, this.up) < Math.cos((this.config.reseatAngleDeg * Math.PI) / 180);
    if (!tilted) {
      this.tiltedSinceMs = undefined;
      return;
    }
    this.tiltedSinceMs ??= tMs;
    if (tMs - this.tiltedSinceMs < this.config.reseatMs) return;
    this.gravity = [f[0], f[1], f[2]];
    this.tiltedSinceMs = undefined;
    this.fits = this.config.gpsLagsMs.map(emptyFit);
    this.gyroFit = emptyFit();
    this.forward = undefined;
    this.left = undefined;
    this.ready = false;
    this.sigmaDeg = Number.POSITIVE_INFINITY;
    this.reseats++;
  }

  private bin(tMs: number, h: Vec3, yawRateRps: number): void {
    const start = Math.floor(tMs / BIN_MS) * BIN_MS;
    const i = Math.floor(tMs / BIN_MS) % HISTORY_BINS;
    if (this.binStart[i] !== start) {
      this.binStart[i] = start;
      this.binH[3 * i] = 0;
      this.binH[3 * i + 1] = 0;
      this.binH[3 * i + 2] = 0;
      this.binYaw[i] = 0;
      this.binYawN[i] = 0;
      this.binN[i] = 0;
    }
    this.binH[3 * i] = (this.binH[3 * i] as number) + h[0];
    this.binH[3 * i + 1] = (this.binH[3 * i + 1] as number) + h[1];
    this.binH[3 * i + 2] = (this.binH[3 * i + 2] as number) + h[2];
    this.binN[i] = (this.binN[i] as number) + 1;
    if (!Number.isNaN(yawRateRps)) {
      this.binYaw[i] = (this.binYaw[i] as number) + yawRateRps;
      this.binYawN[i] = (this.binYawN[i] as number) + 1;
    }
  }

  /** Mean horizontal acceleration and yaw rate of the IMU bins in [fromMs, toMs). */
  private window(fromMs: number, toMs: number): { h: Vec3; yawRateRps: number } | undefined {
    const h: Vec3 = [0, 0, 0];
    let n = 0;
    let yaw = 0;
    let yawN = 0;
    let bins = 0;
    for (let t = Math.floor(fromMs / BIN_MS) * BIN_MS; t < toMs; t += BIN_MS) {
      const i = Math.floor(t / BIN_MS) % HISTORY_BINS;
      if (this.binStart[i] !== t) continue;
      h[0] += this.binH[3 * i] as number;
      h[1] += this.binH[3 * i + 1] as number;
      h[2] += this.binH[3 * i + 2] as number;
      n += this.binN[i] as number;
      yaw += this.binYaw[i] as number;
      yawN += this.binYawN[i] as number;
      bins++;
    }
    // At least 3 samples covering most of the window (a 5 Hz IMU gives 5 over 1 s).
    const wanted = Math.max(1, Math.round((toMs - fromMs) / BIN_MS));
    if (n < 3 || bins < Math.min(wanted, 3)) return undefined;
    return { h: [h[0] / n, h[1] / n, h[2] / n], yawRateRps: yawN > 0 ? yaw / yawN : Number.NaN };
  }

  /**
   * Without GPS motion for a while (no fix, tunnel, a log without GPS), each second of gyro
   * data is an observation of the lateral axis alone: a_lat = v·ω with v unknown but positive.
   */
  private gyroOnly(tMs: number): void {
    const m = this.lastMotion;
    const gpsFresh = m !== undefined && tMs - m.tMs <= 3000;
    if (gpsFresh) {
      this.gyroWindowStart = undefined;
      return;
    }
    if (this.gyroWindowStart === undefined) {
      this.gyroWindowStart = tMs;
      return;
    }
    if (tMs - this.gyroWindowStart < 1000) return;
    const w = this.window(this.gyroWindowStart, tMs);
    const dtS = (tMs - this.gyroWindowStart) / 1000;
    this.gyroWindowStart = tMs;
    if (!w || Number.isNaN(w.yawRateRps)) return;
    const keep = Math.max(0, 1 - dtS / this.config.horizonS);
    this.observe(this.gyroFit, w.h, 0, this.config.nominalSpeedMps * w.yawRateRps, dtS, keep);
    this.refresh(tMs);
  }

  private observe(fit: Fit, h: Vec3, aLong: number, aLat: number, w: number, keep: number): void {
    const hx = cross(h, this.up);
    fit.v = [
      fit.v[0] * keep + w * (aLong * h[0] + aLat * hx[0]),
      fit.v[1] * keep + w * (aLong * h[1] + aLat * hx[1]),
      fit.v[2] * keep + w * (aLong * h[2] + aLat * hx[2]),
    ];
    fit.srr = fit.srr * keep + w * (aLong * aLong + aLat * aLat);
    fit.shh = fit.shh * keep + w * dot(h, h);
    fit.n = fit.n * keep + w;
  }

  /** Picks the best-fitting lag, updates the axes and the convergence verdict. */
  private refresh(tMs: number): void {
    let best: { v: Vec3; gpsSrr: number; sigma: number } | undefined;
    this.fits.forEach((f, i) => {
      const g = this.gyroFit;
      const v: Vec3 = [f.v[0] + g.v[0], f.v[1] + g.v[1], f.v[2] + g.v[2]];
      const srr = f.srr + g.srr;
      const n = f.n + g.n;
      const vh = reject(v, this.up);
      const fitted = Math.sqrt(dot(vh, vh));
      if (srr <= 0 || n <= 0 || fitted <= 0) return;
      // Residual Σ|h − R r|² = Σ|h|² − 2·|V| + Σ|r|² (two horizontal components of noise).
      const residual = Math.max(f.shh + g.shh - 2 * fitted + srr, 0.01 * srr);
      const sigma2 = residual / (2 * n);
      const sigma = Math.sqrt(sigma2 / srr);
      if (!best || sigma < best.sigma) {
        best = { v: vh, gpsSrr: f.srr, sigma };
        this.bestLag = i;
      }
    });
    if (!best) return;
    const f = normalize(best.v);
    if (!f) return;
    this.forward = f;
    this.left = cross(this.up, f);
    this.sigmaDeg = (Math.min(best.sigma, Math.PI) * 180) / Math.PI;
    // Only GPS can say which way is forward along the road: turns alone give the axis, but a
    // fit on turns only has never been checked against a speed change. Without GPS the
    // detectors stay orientation-free (and the events could not be placed anyway).
    const enough = best.gpsSrr >= this.config.minExcitation;
    if (!this.ready && enough && this.sigmaDeg <= this.config.convergedSigmaDeg) {
      this.ready = true;
      this.convergedAt = tMs;
    } else if (this.ready && (this.sigmaDeg > this.config.divergedSigmaDeg || !enough)) {
      this.ready = false;
    }
  }
}
