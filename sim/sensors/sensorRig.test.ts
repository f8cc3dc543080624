import { describe, expect, it } from 'vitest';
import type { GpsFix, ImuSample } from '../../edge/sensors/samples.ts';
import { createPrng } from '../../lib/random/prng.ts';
import { CAMERA_MODELS, type CameraModel, drawCameraModel } from './cameraModels.ts';
import { mountRotation, type Rotation } from './mounting.ts';
import { SensorRig, type VehicleMotion } from './sensorRig.ts';

const G = 9.80665;
const START = Date.UTC(2026, 4, 4, 7, 0, 0);
const model = (name: string): CameraModel => CAMERA_MODELS.find((m) => m.name === name) as CameraModel;

/** Drives a rig along a straight northbound road with the given speed profile (100 ms steps). */
function drive(
  rig: SensorRig,
  seconds: number,
  speedAt: (tS: number) => number,
  hooks: { at?: number; hit?: (tMs: number, v: number) => void } = {},
): { gps: GpsFix[]; imu: ImuSample[] } {
  const gps: GpsFix[] = [];
  const imu: ImuSample[] = [];
  let northM = 0;
  let v = speedAt(0);
  for (let k = 0; k <= seconds * 10; k++) {
    const tS = k / 10;
    const v1 = speedAt(tS);
    northM += ((v + v1) / 2) * 0.1;
    const m: VehicleMotion = {
      tMs: START + k * 100,
      lat: 40.5 + northM / 111_320,
      lng: -79.8,
      headingDeg: 0,
      speedMps: v1,
      accelMps2: k === 0 ? 0 : (v1 - v) / 0.1,
    };
    v = v1;
    if (hooks.at !== undefined && k === hooks.at * 10) hooks.hit?.(m.tMs, v1);
    rig.step(m, { gps: (f) => gps.push(f), imu: (s) => imu.push(s) });
  }
  return { gps, imu };
}

const upOf = (R: Rotation): [number, number, number] => [R[2], R[5], R[8]];
const dot3 = (s: ImuSample, u: readonly number[]): number =>
  s.ax * (u[0] as number) + s.ay * (u[1] as number) + s.az * (u[2] as number);

describe('mountRotation', () => {
  it('gives proper rotations for windscreen and cradle mounts', () => {
    const prng = createPrng(3);
    for (let i = 0; i < 50; i++) {
      const R = mountRotation(i % 2 ? 'cradle' : 'windshield', prng);
      for (let r = 0; r < 3; r++) {
        const row = [R[r * 3], R[r * 3 + 1], R[r * 3 + 2]] as number[];
        expect(Math.hypot(...row)).toBeCloseTo(1, 9);
      }
      const [a, b, c, d, e, f, g, h, k] = R;
      expect(a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g)).toBeCloseTo(1, 9);
    }
  });
});

describe('drawCameraModel', () => {
  it('assigns models across a fleet roughly in proportion to their shares', () => {
    const prng = createPrng(9);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const m = drawCameraModel(prng);
      counts.set(m.name, (counts.get(m.name) ?? 0) + 1);
    }
    for (const m of CAMERA_MODELS) expect((counts.get(m.name) ?? 0) / 4000).toBeCloseTo(m.share, 1);
  });
});

describe('SensorRig', () => {
  it('reads +1 g along the mount-rotated "up" when the car stands still, at the model rate', () => {
    const rig = new SensorRig(model('mainstream-25hz'), createPrng(1), START);
    const { imu } = drive(rig, 60, () => 0);
    expect(imu.length).toBeGreaterThan(25 * 60 - 5);
    expect(imu.length).toBeLessThan(25 * 60 + 5);
    const up = upOf(rig.mount);
    const meanUp = imu.reduce((s, x) => s + dot3(x, up), 0) / imu.length;
    // Within the part's zero-g offset (0.1 m/s² per axis, 1 σ).
    expect(Math.abs(meanUp - G)).toBeLessThan(0.4);
  });

  it("reports braking as negative specific force along the car's forward axis", () => {
    const rig = new SensorRig(model('premium-100hz'), createPrng(2), START);
    // 15 m/s, then a 5 m/s² brake from t = 20 s to 22 s.
    const speed = (t: number) => (t < 20 ? 15 : t < 22 ? 15 - 5 * (t - 20) : 5);
    const { imu } = drive(rig, 30, speed);
    const R = rig.mount;
    const fwd = [R[0], R[3], R[6]];
    const inBrake = imu.filter((s) => s.tMs > START + 20_300 && s.tMs < START + 21_800);
    const cruise = imu.filter((s) => s.tMs > START + 5_000 && s.tMs < START + 15_000);
    const mean = (xs: ImuSample[]) => xs.reduce((a, s) => a + dot3(s, fwd), 0) / xs.length;
    expect(mean(inBrake) - mean(cruise)).toBeCloseTo(-5, 0);
  });

  it("reports Doppler speed late by the receiver's latency, and about one fix a second", () => {
    const m = { ...model('budget-10hz'), dopplerSigmaMps: 0.01 };
    const rig = new SensorRig(m, createPrng(4), START, { canyons: [] });
    const speed = (t: number) => (t < 30 ? 10 : 20);
    const { gps } = drive(rig, 60, speed);
    expect(gps.length).toBeGreaterThan(45);
    const firstFast = gps.find((f) => (f.speedMps ?? 0) > 15) as GpsFix;
    const lagMs = firstFast.tMs - (START + 30_000);
    expect(lagMs).toBeGreaterThanOrEqual(m.dopplerLagS * 1000);
    expect(lagMs).toBeLessThan(m.dopplerLagS * 1000 + 1100);
  });

  it('scatters positions by metres in open sky and by tens of metres in an urban canyon', () => {
    const open = new SensorRig(model('mainstream-25hz'), createPrng(5), START, { canyons: [] });
    const canyon = new SensorRig(model('mainstream-25hz'), createPrng(5), START, {
      canyons: [{ lat: 40.5, lng: -79.8, radiusM: 5000 }],
    });
    const errors = (rig: SensorRig): number[] =>
      drive(rig, 1200, () => 0).gps.map((f) => Math.hypot((f.lat - 40.5) * 111_320, (f.lng + 79.8) * 84_800));
    const rms = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length);
    const e1 = errors(open);
    expect(rms(e1)).toBeGreaterThan(1.5);
    expect(rms(e1)).toBeLessThan(10);
    const e2 = errors(canyon);
    expect(Math.max(...e2)).toBeGreaterThan(15);
    expect(e2.length).toBeLessThan(e1.length); // more dropouts between tall buildings
  });

  it('shows a pothole as a short vertical dip then a larger strike, stronger at speed but less than proportionally', () => {
    const peaks = (v: number) => {
      const rig = new SensorRig(model('premium-100hz'), createPrng(6), START, { roadFeatureSpacingM: 1e12 });
      const { imu } = drive(rig, 20, () => v, {
        at: 10,
        hit: (t, s) => rig.roadHit(t, 'pothole', 0.6 * G, s),
      });
      const up = upOf(rig.mount);
      const win = imu
        .filter((s) => s.tMs >= START + 10_000 && s.tMs < START + 10_600)
        .map((s) => dot3(s, up) - G);
      // The front axle's first clear excursion, before the rear axle (2.7 m behind) arrives.
      const first = win.find((x) => Math.abs(x) > 0.08 * G) ?? 0;
      const front = win.slice(0, 20);
      return { first, dip: -Math.min(...front), strike: Math.max(...front) };
    };
    const slow = peaks(10);
    const fast = peaks(20);
    expect(slow.first).toBeLessThan(0);
    expect(fast.first).toBeLessThan(0);
    expect(slow.dip).toBeLessThan(slow.strike);
    expect(slow.strike).toBeGreaterThan(0.4 * G);
    expect(fast.strike / slow.strike).toBeGreaterThan(1.2);
    expect(fast.strike / slow.strike).toBeLessThan(2);
  });
});
