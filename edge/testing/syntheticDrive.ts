import { gaussian } from '../../lib/random/prng.ts';
import { isoOf } from '../../lib/time/isoTime.ts';
import { createSeededRandom } from '../core/random.ts';
import type { GpsFix, ImuSample } from '../sensors/samples.ts';
import type { Vec3 } from '../sensors/vec3.ts';

/** One phase of a scripted drive. */
export type DrivePhase =
  | { kind: 'speed'; toMps: number; accelMps2: number }
  | { kind: 'cruise'; durationS: number }
  | { kind: 'turn'; angleDeg: number; durationS: number }
  | { kind: 'stop'; durationS: number }
  | { kind: 'pothole' }
  | { kind: 'bump' }
  | { kind: 'gpsDropout'; durationS: number }
  | { kind: 'gpsJump' };

/** A scripted drive and how it is sensed. */
export interface DriveScript {
  seed: string;
  startMs: number;
  lat: number;
  lng: number;
  headingDeg: number;
  gpsHz: number;
  imuHz: number;
  /** Mount rotation (sensor ← vehicle), degrees; any values. */
  mount: { yawDeg: number; pitchDeg: number; rollDeg: number };
  gyro: boolean;
  /** Receiver omits speed/heading (derived from positions). */
  omitSpeed?: boolean;
  gpsNoiseM: number;
  imuNoiseMps2: number;
  phases: DrivePhase[];
}

/** What really happened, for precision/recall. */
export interface TruthEvent {
  type: 'hard_brake' | 'hard_corner' | 'pothole' | 'bump';
  tMs: number;
  /** Peak magnitude (m/s²) for brakes and corners. */
  magnitude: number;
}

/** A generated drive. */
export interface SyntheticDrive {
  gps: GpsFix[];
  imu: ImuSample[];
  truth: TruthEvent[];
  /** True forward axis in sensor coordinates. */
  forwardInSensor: Vec3;
  /** Where the drive ended. */
  end: { lat: number; lng: number };
}

const G = 9.80665;
const RAD = Math.PI / 180;
const M_PER_DEG = 111_320;
const STEP_S = 0.005;

function mountMatrix(m: DriveScript['mount']): number[][] {
  const [a, b, c] = [m.yawDeg * RAD, m.pitchDeg * RAD, m.rollDeg * RAD];
  const rz = [
    [Math.cos(a), -Math.sin(a), 0],
    [Math.sin(a), Math.cos(a), 0],
    [0, 0, 1],
  ];
  const ry = [
    [Math.cos(b), 0, Math.sin(b)],
    [0, 1, 0],
    [-Math.sin(b), 0, Math.cos(b)],
  ];
  const rx = [
    [1, 0, 0],
    [0, Math.cos(c), -Math.sin(c)],
    [0, Math.sin(c), Math.cos(c)],
  ];
  return mul(mul(rz, ry), rx);
}

function mul(p: number[][], q: number[][]): number[][] {
  return [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => [0, 1, 2].reduce((s, k) => s + (p[i]?.[k] ?? 0) * (q[k]?.[j] ?? 0), 0)),
  );
}

function apply(m: number[][], v: Vec3): Vec3 {
  return [0, 1, 2].map(
    (i) => (m[i]?.[0] ?? 0) * v[0] + (m[i]?.[1] ?? 0) * v[1] + (m[i]?.[2] ?? 0) * v[2],
  ) as Vec3;
}

/**
 * Simulates a scripted drive: kinematics at 200 Hz, sensed by a GPS and an IMU at the
 * scripted rates, the IMU rotated by the mount and carrying gravity and noise. Potholes are
 * a decaying 2 Hz oscillation whose first excursion is down; bumps the same, up. Each comes
 * with a short longitudinal jolt, which a hard-brake detector must not mistake for braking.
 */
export function syntheticDrive(script: DriveScript): SyntheticDrive {
  const rnd = createSeededRandom(script.seed);
  const R = mountMatrix(script.mount);
  const gps: GpsFix[] = [];
  const imu: ImuSample[] = [];
  const truth: TruthEvent[] = [];
  let t = 0;
  let east = 0;
  let north = 0;
  let v = 0;
  let heading = script.headingDeg;
  let nextGps = 0;
  let nextImu = 0;
  let dropoutUntil = -1;
  let jumpPending = false;
  let shocks: { t0: number; sign: number; amp: number }[] = [];
  let biasE = 0;
  let biasN = 0;
  const cosLat = Math.cos(script.lat * RAD);

  const step = (aLong: number, yawRateCw: number): void => {
    v = Math.max(0, v + aLong * STEP_S);
    heading = (((heading + (yawRateCw / RAD) * STEP_S) % 360) + 360) % 360;
    east += v * Math.sin(heading * RAD) * STEP_S;
    north += v * Math.cos(heading * RAD) * STEP_S;
    t += STEP_S;
    let vert = 0;
    let jolt = 0;
    shocks = shocks.filter((s) => t - s.t0 < 0.8);
    for (const s of shocks) {
      const dt = t - s.t0;
      const w = s.sign * s.amp * Math.sin(2 * Math.PI * 2 * dt) * Math.exp(-dt / 0.25);
      vert += w;
      // The wheel striking an edge also jolts the car backwards for a moment.
      if (dt < 0.1) jolt -= 0.2 * s.amp;
    }
    const tMs = script.startMs + Math.round(t * 1000);
    if (t >= nextImu) {
      nextImu += 1 / script.imuHz;
      // Vehicle frame: x forward, y left, z up. Lateral (left) = v·ω_ccw = −v·ω_cw.
      const fv: Vec3 = [aLong + jolt, -v * yawRateCw, G + vert];
      const fs = apply(R, fv);
      const n = script.imuNoiseMps2;
      const s: ImuSample = {
        tMs,
        ax: fs[0] + n * gaussian(rnd),
        ay: fs[1] + n * gaussian(rnd),
        az: fs[2] + n * gaussian(rnd),
      };
      if (script.gyro) {
        const ws = apply(R, [0, 0, -yawRateCw]);
        s.gx = ws[0] + 0.005 * gaussian(rnd);
        s.gy = ws[1] + 0.005 * gaussian(rnd);
        s.gz = ws[2] + 0.005 * gaussian(rnd);
      }
      imu.push(s);
    }
    if (t >= nextGps) {
      nextGps += 1 / script.gpsHz;
      // Slowly wandering bias plus white noise: how consumer GPS errors look.
      biasE = 0.98 * biasE + 0.2 * script.gpsNoiseM * gaussian(rnd);
      biasN = 0.98 * biasN + 0.2 * script.gpsNoiseM * gaussian(rnd);
      if (t > dropoutUntil) {
        let e = east + biasE + 0.3 * script.gpsNoiseM * gaussian(rnd);
        let nn = north + biasN + 0.3 * script.gpsNoiseM * gaussian(rnd);
        if (jumpPending) {
          e += 800;
          nn -= 600;
          jumpPending = false;
        }
        const fix: GpsFix = {
          tMs,
          lat: script.lat + nn / M_PER_DEG,
          lng: script.lng + e / (M_PER_DEG * cosLat),
        };
        if (!script.omitSpeed) {
          fix.speedMps = Math.max(0, v + 0.1 * gaussian(rnd));
          fix.headingDeg = (((heading + 1.5 * gaussian(rnd)) % 360) + 360) % 360;
        }
        gps.push(fix);
      }
    }
  };

  const nowMs = (): number => script.startMs + Math.round(t * 1000);
  for (const p of script.phases) {
    switch (p.kind) {
      case 'speed': {
        const a = p.toMps > v ? Math.abs(p.accelMps2) : -Math.abs(p.accelMps2);
        if (a < 0 && Math.abs(p.accelMps2) >= 3)
          truth.push({ type: 'hard_brake', tMs: nowMs(), magnitude: -a });
        // Jerk-limited ramp (0.3 s) like a real pedal.
        let ramp = 0;
        while ((a > 0 && v < p.toMps) || (a < 0 && v > p.toMps && v > 0)) {
          ramp = Math.min(1, ramp + STEP_S / 0.3);
          step(a * ramp, 0);
        }
        break;
      }
      case 'cruise':
        for (let s = 0; s < p.durationS; s += STEP_S) step(0, 0);
        break;
      case 'stop':
        v = 0;
        for (let s = 0; s < p.durationS; s += STEP_S) step(0, 0);
        break;
      case 'turn': {
        const rate = (p.angleDeg * RAD) / p.durationS;
        if (Math.abs(v * rate) >= 3.5) truth.push({ type: 'hard_corner', tMs: nowMs(), magnitude: v * rate });
        for (let s = 0; s < p.durationS; s += STEP_S) step(0, rate);
        break;
      }
      case 'pothole':
      case 'bump':
        truth.push({ type: p.kind, tMs: nowMs(), magnitude: 0.6 * G });
        shocks.push({ t0: t, sign: p.kind === 'pothole' ? -1 : 1, amp: 0.6 * G });
        break;
      case 'gpsDropout':
        dropoutUntil = t + p.durationS;
        break;
      case 'gpsJump':
        jumpPending = true;
        break;
    }
  }
  return {
    gps,
    imu,
    truth,
    forwardInSensor: apply(R, [1, 0, 0]),
    end: { lat: script.lat + north / M_PER_DEG, lng: script.lng + east / (M_PER_DEG * cosLat) },
  };
}

/** A GPS log as CSV in the replay format (times RFC 3339). */
export function toGpsCsv(fixes: GpsFix[]): string {
  const rows = fixes.map(
    (f) =>
      `${isoOf(f.tMs)},${f.lat.toFixed(7)},${f.lng.toFixed(7)},${f.speedMps === undefined ? '' : f.speedMps.toFixed(2)},${f.headingDeg === undefined ? '' : f.headingDeg.toFixed(1)}`,
  );
  return `t,lat,lng,speed_mps,heading_deg\n${rows.join('\n')}\n`;
}

/** An IMU log as CSV in the replay format (times Unix seconds). */
export function toImuCsv(samples: ImuSample[]): string {
  const gyro = samples[0]?.gx !== undefined;
  const rows = samples.map((s) => {
    const base = `${(s.tMs / 1000).toFixed(3)},${s.ax.toFixed(4)},${s.ay.toFixed(4)},${s.az.toFixed(4)}`;
    return gyro
      ? `${base},${(s.gx ?? 0).toFixed(5)},${(s.gy ?? 0).toFixed(5)},${(s.gz ?? 0).toFixed(5)}`
      : base;
  });
  return `${gyro ? 't,ax,ay,az,gx,gy,gz' : 't,ax,ay,az'}\n${rows.join('\n')}\n`;
}

/** A town drive with known events: warm-up, two hard brakes, a hard corner, a pothole, a bump, lights. */
export function townDriveScript(overrides: Partial<DriveScript> = {}): DriveScript {
  return {
    seed: 'town',
    startMs: Date.UTC(2024, 4, 6, 7, 30, 0),
    lat: 52.52,
    lng: 13.405,
    headingDeg: 80,
    gpsHz: 1,
    imuHz: 5,
    mount: { yawDeg: 127, pitchDeg: -68, rollDeg: 23 },
    gyro: false,
    gpsNoiseM: 3,
    imuNoiseMps2: 0.25,
    phases: [
      { kind: 'stop', durationS: 20 },
      // Ordinary driving: gentle speed changes calibrate "forward".
      { kind: 'speed', toMps: 12, accelMps2: 1.5 },
      { kind: 'cruise', durationS: 15 },
      { kind: 'speed', toMps: 6, accelMps2: 1.2 },
      { kind: 'speed', toMps: 14, accelMps2: 1.8 },
      { kind: 'cruise', durationS: 10 },
      { kind: 'speed', toMps: 8, accelMps2: 1.5 },
      { kind: 'speed', toMps: 15, accelMps2: 1.6 },
      { kind: 'cruise', durationS: 20 },
      { kind: 'speed', toMps: 9, accelMps2: 1.4 },
      { kind: 'speed', toMps: 16, accelMps2: 1.7 },
      { kind: 'cruise', durationS: 20 },
      { kind: 'speed', toMps: 0, accelMps2: 5 },
      { kind: 'stop', durationS: 25 },
      { kind: 'speed', toMps: 13, accelMps2: 1.6 },
      { kind: 'cruise', durationS: 10 },
      { kind: 'pothole' },
      { kind: 'cruise', durationS: 15 },
      { kind: 'turn', angleDeg: 90, durationS: 12 },
      { kind: 'cruise', durationS: 10 },
      { kind: 'turn', angleDeg: -90, durationS: 3 },
      { kind: 'cruise', durationS: 15 },
      { kind: 'bump' },
      { kind: 'cruise', durationS: 15 },
      { kind: 'speed', toMps: 3, accelMps2: 4.5 },
      { kind: 'speed', toMps: 12, accelMps2: 1.5 },
      { kind: 'cruise', durationS: 20 },
      { kind: 'speed', toMps: 0, accelMps2: 1.5 },
      { kind: 'stop', durationS: 200 },
    ],
    ...overrides,
  };
}
