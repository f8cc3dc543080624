import type { GpsFix, ImuSample } from '../../edge/sensors/samples.ts';
import type { Prng } from '../../lib/random/prng.ts';
import type { CameraModel } from './cameraModels.ts';
import { mountRotation, type Rotation } from './mounting.ts';

const G = 9.80665;
const M_PER_DEG = 111_320;
const RAD = Math.PI / 180;
/** Axle distance of a passenger car: the rear wheels hit a pothole this far after the front. */
const WHEELBASE_M = 2.7;
/** A shock is over (body bounce decayed) this long after the rear axle's hit. */
const SHOCK_TAIL_S = 1.4;

/** The vehicle's true motion at the end of one simulation step. */
export interface VehicleMotion {
  tMs: number;
  lat: number;
  lng: number;
  /** Heading of the road under the vehicle, degrees clockwise from north (jumps at polyline vertices). */
  headingDeg: number;
  speedMps: number;
  /** Longitudinal acceleration over the step, m/s². */
  accelMps2: number;
}

/** Where sensor samples go, in time order across both sensors. */
export interface SensorSink {
  gps(fix: GpsFix): void;
  imu(sample: ImuSample): void;
}

/** An area of tall buildings: GPS multipath and more dropouts inside it. */
export interface UrbanCanyon {
  lat: number;
  lng: number;
  radiusM: number;
}

/** Downtown Pittsburgh (the Golden Triangle), the bundled network's urban canyon. */
export const PITTSBURGH_DOWNTOWN: UrbanCanyon = { lat: 40.4413, lng: -79.9986, radiusM: 900 };

/** Options of {@link SensorRig}. */
export interface SensorRigOptions {
  canyons?: readonly UrbanCanyon[];
  /**
   * Background road texture: manhole covers, patches, expansion joints, one per this many metres
   * on average (default 800), each at its own random spot, so they never line up across cameras.
   */
  roadFeatureSpacingM?: number;
  /**
   * The driver's cornering limit, m/s² (default 2.5): naturalistic driving puts everyday
   * lateral acceleration in turns around 2 m/s² and its upper percentiles near 3 m/s², so the
   * car turns no faster than this allows at its speed.
   */
  maxLateralMps2?: number;
}

interface Shock {
  /** Time of the front axle's hit, s (rig time). */
  t0S: number;
  kind: 'pothole' | 'bump';
  /** Peak of the dominant lobe: a pothole's strike on the far edge, a bump's landing, m/s². */
  ampMps2: number;
  /** Duration of the first excursion, s: the wheel's drop into the hole, or the ride over the hump. */
  firstS: number;
  /** A pothole's dip as a share of its strike. */
  dipShare: number;
  rearDelayS: number;
}

/** Counters of what the rig produced (benches, tests). */
export interface SensorRigStats {
  gpsFixes: number;
  gpsDropped: number;
  imuSamples: number;
  roadHits: number;
}

/**
 * The sensors of one simulated dash cam: a 1 Hz GNSS receiver and an IMU at its model's rate,
 * fixed to the car in a random orientation. It turns the car's true motion into what the
 * camera's sensors would report:
 *
 * - IMU: specific force in the sensor's axes (gravity included), i.e. longitudinal acceleration,
 *   v·yaw-rate lateral acceleration through corners, vertical shocks, road vibration growing with
 *   speed, engine vibration after the part's anti-alias filter (aliased at low rates, as real
 *   parts are), a fixed zero-g offset per axis and white noise; gyro when the model has one.
 *   Each sample is the average over its sample period (the accelerometer's decimation filter),
 *   so a 60 ms pothole dip is smeared, not skipped, at 10 Hz.
 * - GPS: position with a slowly wandering bias plus white noise, multipath jumps of 10–40 m in
 *   urban canyons, dropouts, and Doppler speed/heading that are 0.5–1 s old and noisy.
 *
 * The heading of the road jumps at polyline vertices; the rig turns the car smoothly instead
 * (yaw rate limited so lateral acceleration stays what a driver accepts), as tyres do.
 */
export class SensorRig {
  readonly stats: SensorRigStats = { gpsFixes: 0, gpsDropped: 0, imuSamples: 0, roadHits: 0 };
  private readonly R: Rotation;
  private readonly periodMs: number;
  private readonly bias: [number, number, number];
  private readonly gyroBias: [number, number, number];
  private readonly engineAtt: number;
  private readonly canyons: readonly UrbanCanyon[];
  private readonly featureSpacingM: number;
  private readonly maxLateralMps2: number;
  private readonly startMs: number;
  private t0Ms: number | undefined;
  private lat0 = 0;
  private lng0 = 0;
  private v0 = 0;
  private heading: number | undefined;
  private yawCw = 0;
  private nextImuMs: number;
  private nextGpsMs: number;
  private vib: [number, number, number] = [0, 0, 0];
  private enginePhase = 0;
  private shocks: Shock[] = [];
  private odometerM = 0;
  private nextFeatureM: number;
  private biasE = 0;
  private biasN = 0;
  private multipath: { untilMs: number; e: number; n: number } | undefined;
  private dropoutUntilMs = Number.NEGATIVE_INFINITY;
  private readonly hist: { tMs: number; v: number; h: number }[] = [];
  private spare: number | undefined;

  constructor(
    readonly model: CameraModel,
    private readonly prng: Prng,
    startMs: number,
    options: SensorRigOptions = {},
  ) {
    this.startMs = startMs;
    this.R = mountRotation(model.mount, prng.fork('mount'));
    this.periodMs = 1000 / model.imuHz;
    this.bias = [this.gauss(), this.gauss(), this.gauss()].map((x) => x * model.accelBiasMps2) as [
      number,
      number,
      number,
    ];
    this.gyroBias = [this.gauss(), this.gauss(), this.gauss()].map((x) => x * 0.003) as [
      number,
      number,
      number,
    ];
    // Second-order anti-alias filter at 40 % of the output rate (typical ODR/bandwidth setting).
    const fc = 0.4 * model.imuHz;
    this.engineAtt = fc;
    this.canyons = options.canyons ?? [PITTSBURGH_DOWNTOWN];
    this.featureSpacingM = options.roadFeatureSpacingM ?? 800;
    this.maxLateralMps2 = options.maxLateralMps2 ?? 2.5;
    this.nextFeatureM = prng.exponential(this.featureSpacingM);
    this.nextImuMs = startMs + prng.uniform(0, this.periodMs);
    this.nextGpsMs = startMs + prng.uniform(0, 1000);
  }

  /** The mounting rotation (vehicle → sensor), for tests. */
  get mount(): Rotation {
    return this.R;
  }

  /**
   * The wheels reach a road feature now: a pothole (drop first) or a bump/debris (rise first).
   * `amplitudeAt10Mps2` is its vertical response at 10 m/s; it grows sub-linearly with speed
   * (∝ v^0.6, between the √v of a soft suspension and the linear growth of a stiff one).
   */
  roadHit(
    tMs: number,
    kind: 'pothole' | 'bump',
    amplitudeAt10Mps2: number,
    speedMps: number,
    lengthM?: number,
  ): void {
    const v = Math.max(speedMps, 0.5);
    const amp = amplitudeAt10Mps2 * (v / 10) ** 0.6;
    // A pothole is 0.3–1 m long; a bump anything from a joint (0.2 m) to a speed hump (4 m).
    const len = lengthM ?? (kind === 'pothole' ? this.prng.uniform(0.3, 1) : this.prng.uniform(0.2, 0.6));
    this.shocks.push({
      t0S: (tMs - this.startMs) / 1000,
      kind,
      ampMps2: amp,
      // Tyre and suspension take ~30 ms to follow the road even over a crack.
      firstS: len / v + 0.03,
      dipShare: this.prng.uniform(0.25, 0.45),
      rearDelayS: WHEELBASE_M / v,
    });
    this.stats.roadHits++;
  }

  /** Advances the sensors over the step that ends at `m`, writing every sample due in it. */
  step(m: VehicleMotion, sink: SensorSink): void {
    if (this.t0Ms === undefined || this.heading === undefined) {
      this.t0Ms = m.tMs;
      this.lat0 = m.lat;
      this.lng0 = m.lng;
      this.v0 = m.speedMps;
      this.heading = m.headingDeg;
      this.nextImuMs = Math.max(this.nextImuMs, m.tMs);
      this.nextGpsMs = Math.max(this.nextGpsMs, m.tMs);
      return;
    }
    const t0 = this.t0Ms;
    const t1 = m.tMs;
    const dtS = (t1 - t0) / 1000;
    if (dtS <= 0) return;
    const v0 = this.v0;
    const v1 = m.speedMps;
    // Smooth turning: the car follows the road's heading with a lag, its yaw rate capped so that
    // v·ω stays within the driver's cornering limit, and at 0.8 rad/s (full lock at a crawl).
    const err = wrap180(m.headingDeg - this.heading) * RAD;
    const vMid = (v0 + v1) / 2;
    const maxRate = Math.min(0.8, this.maxLateralMps2 / Math.max(vMid, 0.5));
    // A car at a standstill (parked, or waiting at a junction) already faces the way it will
    // leave: the manoeuvre out of a parking space is not modelled, so it must not leave a lag.
    const rate = vMid < 0.5 ? 0 : clamp(err / 0.6, -maxRate, maxRate);
    if (vMid < 0.5) this.heading = m.headingDeg;
    this.yawCw = rate;
    this.heading = (this.heading + (rate * dtS) / RAD + 360) % 360;
    // Background road texture, at random spots along this vehicle's own path.
    const ds = vMid * dtS;
    this.odometerM += ds;
    while (this.odometerM >= this.nextFeatureM) {
      // Log-normal, median 0.1 g at 10 m/s: most are felt but not reported, a few exceed a detector's threshold.
      const amp = 0.1 * G * Math.exp(0.6 * this.gauss());
      this.roadHit(t1, this.prng.chance(0.5) ? 'pothole' : 'bump', amp, vMid);
      this.nextFeatureM += this.prng.exponential(this.featureSpacingM);
    }
    for (;;) {
      const tImu = this.nextImuMs;
      const tGps = this.nextGpsMs;
      if (tImu > t1 && tGps > t1) break;
      if (tGps <= tImu) {
        this.emitGps(tGps, (tGps - t0) / (t1 - t0), m, sink);
        this.nextGpsMs += 1000;
      } else {
        this.emitImu(tImu, v0 + ((tImu - t0) / (t1 - t0)) * (v1 - v0), m.accelMps2, sink);
        this.nextImuMs += this.periodMs;
      }
    }
    this.hist.push({ tMs: t1, v: v1, h: this.heading });
    if (this.hist.length > 30) this.hist.shift();
    this.t0Ms = t1;
    this.lat0 = m.lat;
    this.lng0 = m.lng;
    this.v0 = v1;
    if (this.shocks.length > 0) {
      const nowS = (t1 - this.startMs) / 1000;
      this.shocks = this.shocks.filter((s) => nowS - s.t0S < s.rearDelayS + SHOCK_TAIL_S);
    }
  }

  private emitImu(tMs: number, v: number, accel: number, sink: SensorSink): void {
    const model = this.model;
    const p = this.periodMs / 1000;
    // Road vibration: broadband, growing with speed; horizontal axes see a third of it.
    const road = v < 0.3 ? 0.01 : 0.03 + 0.008 * v;
    const rho = Math.exp(-p / 0.03);
    const k = Math.sqrt(1 - rho * rho);
    this.vib[0] = rho * this.vib[0] + k * road * 0.35 * this.gauss();
    this.vib[1] = rho * this.vib[1] + k * road * 0.35 * this.gauss();
    this.vib[2] = rho * this.vib[2] + k * road * this.gauss();
    // Engine: 2nd engine order of a four-cylinder (rpm/30 Hz), through the anti-alias filter and
    // sampled at the output rate, so a slow part sees a small aliased tone.
    const rpm = Math.min(800 + 100 * v, 3000);
    const fEngine = rpm / 30;
    const att = 1 / Math.sqrt(1 + (fEngine / this.engineAtt) ** 4);
    this.enginePhase = (this.enginePhase + 2 * Math.PI * fEngine * p) % (2 * Math.PI);
    const engine = model.engineMps2 * att * Math.sin(this.enginePhase);
    const vert = this.shocks.length > 0 ? this.shockAverage(tMs, p) : 0;
    const fx = accel + this.vib[0] + 0.3 * engine;
    const fy = -v * this.yawCw + this.vib[1];
    const fz = G + vert + this.vib[2] + engine;
    const R = this.R;
    const n = model.accelNoiseMps2;
    const sample: ImuSample = {
      tMs: Math.round(tMs),
      ax: R[0] * fx + R[1] * fy + R[2] * fz + this.bias[0] + n * this.gauss(),
      ay: R[3] * fx + R[4] * fy + R[5] * fz + this.bias[1] + n * this.gauss(),
      az: R[6] * fx + R[7] * fy + R[8] * fz + this.bias[2] + n * this.gauss(),
    };
    if (model.gyro) {
      // Yaw about "up", counter-clockwise positive.
      const wz = -this.yawCw;
      sample.gx = R[2] * wz + this.gyroBias[0] + 0.004 * this.gauss();
      sample.gy = R[5] * wz + this.gyroBias[1] + 0.004 * this.gauss();
      sample.gz = R[8] * wz + this.gyroBias[2] + 0.004 * this.gauss();
    }
    this.stats.imuSamples++;
    sink.imu(sample);
  }

  /** Mean vertical shock over the sample period ending at `tMs` (the decimation filter). */
  private shockAverage(tMs: number, periodS: number): number {
    const tEnd = (tMs - this.startMs) / 1000;
    const n = Math.max(10, Math.ceil(periodS / 0.005));
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const t = tEnd - periodS + ((i + 0.5) / n) * periodS;
      for (const s of this.shocks)
        sum += axleResponse(s, t - s.t0S) + 0.7 * axleResponse(s, t - s.t0S - s.rearDelayS);
    }
    return sum / n;
  }

  private emitGps(tMs: number, frac: number, m: VehicleMotion, sink: SensorSink): void {
    const model = this.model;
    const lat = this.lat0 + frac * (m.lat - this.lat0);
    const lng = this.lng0 + frac * (m.lng - this.lng0);
    const canyon = this.canyons.some((c) => approxDistM(c.lat, c.lng, lat, lng) < c.radiusM);
    // Gauss–Markov bias (τ ≈ 60 s) plus white noise: how consumer GNSS errors wander.
    const rho = Math.exp(-1 / 60);
    const sb = 0.9 * model.gpsSigmaM * Math.sqrt(1 - rho * rho);
    this.biasE = rho * this.biasE + sb * this.gauss();
    this.biasN = rho * this.biasN + sb * this.gauss();
    if (tMs < this.dropoutUntilMs) {
      this.stats.gpsDropped++;
      return;
    }
    // Dropouts: about one every 20 minutes in open sky, every ~3 minutes between tall buildings.
    if (this.prng.chance(canyon ? 1 / 200 : 1 / 1200)) {
      this.dropoutUntilMs = tMs + this.prng.uniform(3, 30) * 1000;
      this.stats.gpsDropped++;
      return;
    }
    if (this.multipath && tMs >= this.multipath.untilMs) this.multipath = undefined;
    if (!this.multipath && canyon && this.prng.chance(0.03)) {
      const d = this.prng.uniform(10, 40);
      const dir = this.prng.uniform(0, 2 * Math.PI);
      this.multipath = {
        untilMs: tMs + this.prng.uniform(3, 15) * 1000,
        e: d * Math.sin(dir),
        n: d * Math.cos(dir),
      };
    }
    const white = 0.4 * model.gpsSigmaM;
    let e = this.biasE + white * this.gauss();
    let n = this.biasN + white * this.gauss();
    if (this.multipath) {
      e += this.multipath.e * (1 + 0.2 * this.gauss());
      n += this.multipath.n * (1 + 0.2 * this.gauss());
    }
    const lagged = this.lagged(tMs - model.dopplerLagS * 1000);
    const speed =
      lagged.v < 0.3
        ? Math.abs(0.5 * model.dopplerSigmaMps * this.gauss())
        : Math.max(0, lagged.v + model.dopplerSigmaMps * this.gauss());
    const headingNoiseDeg = 1 + 10 / Math.max(lagged.v, 0.5);
    this.stats.gpsFixes++;
    sink.gps({
      tMs: Math.round(tMs),
      lat: lat + n / M_PER_DEG,
      lng: lng + e / (M_PER_DEG * Math.cos(lat * RAD)),
      speedMps: Math.round(speed * 100) / 100,
      headingDeg: (((lagged.h + headingNoiseDeg * this.gauss()) % 360) + 360) % 360,
    });
  }

  /** True speed and heading at `tMs` (the receiver's latency), from the step history. */
  private lagged(tMs: number): { v: number; h: number } {
    const h = this.hist;
    for (let i = h.length - 1; i >= 0; i--) {
      const e = h[i] as { tMs: number; v: number; h: number };
      if (e.tMs <= tMs) return e;
    }
    return h[0] ?? { v: this.v0, h: this.heading ?? 0 };
  }

  /** Standard normal (Box–Muller, both values used). */
  private gauss(): number {
    const s = this.spare;
    if (s !== undefined) {
      this.spare = undefined;
      return s;
    }
    const u = Math.max(this.prng.next(), 1e-12);
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * this.prng.next();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
}

/**
 * Vertical specific force of one axle passing a feature, `t` s after it reaches it, in the
 * shapes of the labelled clips of Gonzalez et al. (IEEE T-ITS 2017): a pothole is a short dip
 * (the wheel drops; the sprung cabin follows only partly, 25–45 % of the strike) and then the
 * dominant strike on the far edge, ringing at the body's ~2 Hz; a bump lifts the car for as long
 * as the wheel rides over it (half the landing's force) and then lands harder than it rose.
 */
function axleResponse(s: Shock, t: number): number {
  if (t < 0) return 0;
  const a = s.ampMps2;
  if (t < s.firstS) {
    const lobe = Math.sin((Math.PI * t) / s.firstS);
    return s.kind === 'pothole' ? -s.dipShare * a * lobe : 0.5 * a * lobe;
  }
  const u = t - s.firstS;
  if (u > SHOCK_TAIL_S) return 0;
  // The strike (pothole: up) or landing (bump: down) is the first lobe of the damped ringing.
  const ring = 1.55 * a * Math.sin(2 * Math.PI * 2 * u) * Math.exp(-u / 0.25);
  return s.kind === 'pothole' ? ring : -ring;
}

function wrap180(d: number): number {
  return ((((d + 180) % 360) + 360) % 360) - 180;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, x));
}

function approxDistM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dy = (lat2 - lat1) * M_PER_DEG;
  const dx = (lng2 - lng1) * M_PER_DEG * Math.cos(lat1 * RAD);
  return Math.sqrt(dx * dx + dy * dy);
}
