import { describe, expect, it } from 'vitest';
import type { GpsMotion } from '../sensors/gpsKinematics.ts';
import type { VehicleSample } from '../sensors/mountCalibration.ts';
import type { FilteredFix } from '../sensors/samples.ts';
import type { BadasScorer } from './badasScorer.ts';
import { BadasStage, DEFAULT_BADAS_STAGE, type FrameResult } from './badasStage.ts';

/** A scorer that records the ego speed and 0.5 s mean acceleration it was given (features 0 and 1). */
function recordingScorer() {
  const seen: { speedMps: number; accelMps2: number }[] = [];
  const scorer: BadasScorer = {
    modelVersion: 'rec-1',
    operatingPoint: { raiseAt: 0.5, raiseHoldS: 0.2, clearAt: 0.2, clearHoldS: 1 },
    score: (x) => {
      seen.push({ speedMps: x[0]! * 30, accelMps2: x[1]! * 5 });
      return 0;
    },
  };
  return { scorer, seen };
}

const fix = (tMs: number, speedMps: number): FilteredFix => ({
  tMs,
  lat: 48,
  lng: 11,
  speedMps,
  headingDeg: 0,
  speedDerived: false,
});
const motion = (tMs: number, speedMps: number, accelMps2: number): GpsMotion => ({
  tMs,
  speedMps,
  accelMps2,
  yawRateRps: 0,
  baselineMs: 1000,
});
const imu = (tMs: number, longMps2: number): VehicleSample =>
  ({
    tMs,
    vertMps2: 0,
    longMps2,
    latMps2: 0,
    horizMps2: Math.abs(longMps2),
    horiz: [0, 0, 0],
    yawRateRps: Number.NaN,
  }) as unknown as VehicleSample;

describe('BadasStage', () => {
  it('scores a frame with the last GPS speed and, before calibration, the GPS dv/dt', () => {
    const { scorer, seen } = recordingScorer();
    const stage = new BadasStage(scorer);
    stage.noteGps(fix(1000, 12), motion(1000, 12, -2));
    stage.noteImu(imu(1050, -6), false); // not calibrated: its axis cannot be trusted
    stage.push(1100, { leadGapM: 20, leadClosingMps: 1 });
    expect(seen[0]!.speedMps).toBeCloseTo(12, 4);
    expect(seen[0]!.accelMps2).toBeCloseTo(-2, 4);
  });

  it('prefers the calibrated IMU acceleration, low-passed, and falls back to GPS when the IMU goes quiet', () => {
    const { scorer, seen } = recordingScorer();
    const stage = new BadasStage(scorer);
    stage.noteGps(fix(1000, 12), motion(1000, 12, -1));
    for (let t = 1000; t <= 2000; t += 10) stage.noteImu(imu(t, -4), true);
    stage.push(2000, {});
    // A steady −4 m/s² for 1 s through τ = 200 ms: nearly there.
    expect(seen[0]!.accelMps2).toBeLessThan(-3.5);
    expect(seen[0]!.accelMps2).toBeGreaterThan(-4.01);
    stage.noteGps(fix(2400, 11), motion(2400, 11, -1));
    // 900 ms after the last IMU sample (> 500 ms): the GPS figure again.
    stage.push(2900, {});
    expect(seen[1]!.accelMps2).toBeGreaterThan(-3.5);
  });

  it('skips frames without a GPS speed from the last 2.5 s, and frames out of order', () => {
    const stage = new BadasStage(recordingScorer().scorer);
    expect(stage.push(500, {})).toBe('no_ego_speed');
    stage.noteGps(fix(1000, 10), undefined);
    expect(typeof stage.push(3400, {})).toBe('object');
    expect(stage.push(3400, {})).toBe('out_of_order');
    expect(stage.push(3600, {})).toBe('no_ego_speed');
  });

  it('refuses host kinematics that are not numbers, and takes a negative gap as contact', () => {
    const { scorer } = recordingScorer();
    const stage = new BadasStage(scorer);
    stage.noteGps(fix(1000, 10), undefined);
    expect(stage.push(1100, { leadGapM: Number.NaN, leadClosingMps: 3 })).toBe('bad_frame');
    expect(stage.push(1200, { egoSpeedMps: -1 })).toBe('bad_frame');
    expect(typeof stage.push(1300, { leadGapM: -0.4, leadClosingMps: 3 })).toBe('object');
  });

  it('takes the ego fields a host measured itself over its own', () => {
    const { scorer, seen } = recordingScorer();
    const stage = new BadasStage(scorer);
    stage.noteGps(fix(1000, 10), motion(1000, 10, 0));
    stage.push(1100, { egoSpeedMps: 21, egoAccelMps2: -3 });
    expect(seen[0]!.speedMps).toBeCloseTo(21, 4);
    expect(seen[0]!.accelMps2).toBeCloseTo(-3, 4);
    // And scores without any GPS at all when the host gives the speed.
    expect(typeof new BadasStage(scorer).push(100, { egoSpeedMps: 5 })).toBe('object');
  });

  it('stamps a near miss with the ego speed when it started, not when it was reported', () => {
    const stage = new BadasStage(recordingScorer().scorer, DEFAULT_BADAS_STAGE);
    const results: FrameResult[] = [];
    let gap = 20;
    for (let i = 0; i < 120; i++) {
      const tMs = 10_000 + i * 100;
      // The driver brakes from 15 m/s once the lead is close; the GPS sees the speed drop.
      const speed = i < 20 ? 15 : Math.max(5, 15 - (i - 20) * 0.5);
      stage.noteGps(fix(tMs, speed), motion(tMs, speed, i < 20 ? 0 : -5));
      // Closing at 8 m/s from 20 m, then the braking takes it back to 0 by a 2 m gap.
      const closing = i < 5 ? 0 : i < 20 ? 8 : i < 40 ? 8 - (i - 20) * 0.4 : -2;
      gap -= closing / 10;
      const r = stage.push(tMs, { leadGapM: gap, leadClosingMps: closing });
      if (typeof r === 'object') results.push(r);
    }
    const nearMisses = [...results.flatMap((r) => r.detections), ...stage.flush()].filter(
      (d) => d.type === 'near_miss',
    );
    expect(nearMisses).toHaveLength(1);
    // The dip starts while still at 15 m/s; it is reported seconds later at a lower speed.
    expect(nearMisses[0]!.speedMps).toBe(15);
  });
});
