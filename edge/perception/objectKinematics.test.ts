import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../core/random.ts';
import type { CameraGeometry } from './cameraGeometry.ts';
import { IouTracker, type Track } from './iouTracker.ts';
import {
  DEFAULT_KINEMATICS_CONFIG,
  heightGrowth,
  type ObjectKinematics,
  objectKinematics,
} from './objectKinematics.ts';
import { type SyntheticVehicle, syntheticFrames } from './testing/syntheticScene.ts';

/** 1280×720, 90° horizontal FOV: fx = fy = 640 px. */
const CAMERA: CameraGeometry = { imageWidthPx: 1280, imageHeightPx: 720, hfovDeg: 90, setbackM: 2 };

const track = (boxes: { tS: number; h: number; cx?: number }[], className = 'car'): Track => {
  const history = boxes.map(({ tS, h, cx = 640 }) => ({
    tS,
    score: 0.8,
    box: { x: cx - h * 0.6, y: 400, w: h * 1.2, h },
  }));
  const last = history.at(-1)!;
  return {
    id: 1,
    className,
    confirmed: true,
    box: last.box,
    firstSeenS: history[0]!.tS,
    lastSeenS: last.tS,
    history,
  };
};

/** Runs a one-vehicle synthetic scene through the tracker; its kinematics at every frame. */
function kinematicsOver(
  vehicle: SyntheticVehicle,
  opts: { fps: number; durationS: number; jitterShare: number; missShare: number; seed: string },
): { tS: number; k: ObjectKinematics | undefined }[] {
  const frames = syntheticFrames({
    camera: CAMERA,
    vehicles: [vehicle],
    random: createSeededRandom(opts.seed),
    ...opts,
  });
  const tracker = new IouTracker();
  return frames.map(({ tS, detections }) => {
    const [t] = tracker.update(tS, detections);
    return { tS, k: t && objectKinematics(t, CAMERA, { speedMps: 20 }) };
  });
}

describe('objectKinematics geometry', () => {
  it('puts a 1.5 m car 48 px tall at 20 m and straight ahead in the ego corridor', () => {
    const k = objectKinematics(track([{ tS: 0, h: 48 }]), CAMERA, { speedMps: 20 });
    expect(k.rangeM).toBeCloseTo(20, 9);
    expect(k.gapM).toBeCloseTo(18, 9);
    expect(k.bearingDeg).toBeCloseTo(0, 9);
    expect(k.inEgoCorridor).toBe(true);
    expect(k.ttcS).toBeUndefined();
  });

  it('puts a car one lane (3.6 m) to the right out of the corridor, at its bearing', () => {
    // At 20 m, 3.6 m right is 3.6 × 640 / 20 = 115.2 px right of centre.
    const k = objectKinematics(track([{ tS: 0, h: 48, cx: 640 + 115.2 }]), CAMERA, { speedMps: 20 });
    expect(k.lateralM).toBeCloseTo(3.6, 9);
    expect(k.bearingDeg).toBeCloseTo((Math.atan2(3.6, 20) * 180) / Math.PI, 9);
    expect(k.inEgoCorridor).toBe(false);
  });

  it('bends the corridor along a left curve: a car 3 m left at 40 m is in the path at the matching yaw rate', () => {
    // Path offset −(ω/v)·R²/2 = −3 m at R = 40 m, v = 20 m/s → ω = 0.075 rad/s.
    const left = track([{ tS: 0, h: 24, cx: 640 - (3 * 640) / 40 }]);
    expect(objectKinematics(left, CAMERA, { speedMps: 20 }).inEgoCorridor).toBe(false);
    expect(objectKinematics(left, CAMERA, { speedMps: 20, yawRateRps: 0.075 }).inEgoCorridor).toBe(true);
    expect(objectKinematics(left, CAMERA, { speedMps: 20, yawRateRps: -0.075 }).inEgoCorridor).toBe(false);
  });

  it('uses the vertical FOV when given and the class height (a 3 m truck twice as far as a car)', () => {
    const cam = { ...CAMERA, vfovDeg: 2 * Math.atan(360 / 500) * (180 / Math.PI) }; // fy = 500
    expect(objectKinematics(track([{ tS: 0, h: 50 }]), cam, { speedMps: 0 }).rangeM).toBeCloseTo(15, 9);
    expect(objectKinematics(track([{ tS: 0, h: 50 }], 'truck'), cam, { speedMps: 0 }).rangeM).toBeCloseTo(
      30,
      9,
    );
  });
});

describe('objectKinematics while coasting', () => {
  it('carries range and TTC forward at the last closing speed through a missed detection', () => {
    // Closing 5 m/s from 30 m, seen for 1 s, then 0.3 s without a detection.
    const obs = Array.from({ length: 11 }, (_, i) => ({ tS: i / 10, h: 960 / (30 - 5 * (i / 10)) }));
    const seen = objectKinematics(track(obs), CAMERA, { speedMps: 20 });
    const coasting = objectKinematics(track(obs), CAMERA, { speedMps: 20 }, DEFAULT_KINEMATICS_CONFIG, 1.3);
    expect(seen.coastS).toBe(0);
    expect(seen.rangeM).toBeCloseTo(25, 6);
    expect(seen.ttcS!).toBeCloseTo(5, 1);
    expect(coasting.coastS).toBeCloseTo(0.3, 9);
    expect(coasting.rangeM).toBeCloseTo(25 - 5 * 0.3, 1);
    expect(coasting.ttcS!).toBeCloseTo(4.7, 1);
    expect(coasting.closingMps!).toBeCloseTo(seen.closingMps!, 9);
  });
});

describe('heightGrowth', () => {
  it('is d ln(h)/dt at the window mean for an exact 1/R sequence', () => {
    // R = 30 − 5t: ln h = const − ln R; slope at the mean time ≈ 5 / R(mean).
    const obs = Array.from({ length: 11 }, (_, i) => ({ tS: i / 10, h: 960 / (30 - 5 * (i / 10)) }));
    const g = heightGrowth(track(obs).history, DEFAULT_KINEMATICS_CONFIG)!;
    expect(g.lagS).toBeCloseTo(0.5, 9);
    expect(g.ratePerS).toBeCloseTo(5 / 27.5, 3);
  });

  it('needs enough observations over enough time', () => {
    const cfg = DEFAULT_KINEMATICS_CONFIG;
    expect(
      heightGrowth(
        track([
          { tS: 0, h: 40 },
          { tS: 0.1, h: 41 },
        ]).history,
        cfg,
      ),
    ).toBeUndefined();
    expect(heightGrowth(track([0, 0.05, 0.1].map((tS) => ({ tS, h: 40 }))).history, cfg)).toBeUndefined();
  });

  it('reaches back past the window for enough observations at a low frame rate', () => {
    // 4 fps: the last 1 s holds 5 boxes; 8 reach back 1.75 s, so the mean time lags 0.875 s.
    const obs = Array.from({ length: 12 }, (_, i) => ({ tS: i / 4, h: 960 / (30 - 4 * (i / 4)) }));
    expect(heightGrowth(track(obs).history, DEFAULT_KINEMATICS_CONFIG)?.lagS).toBeCloseTo(0.875, 9);
  });
});

describe('time-to-collision from box growth, through the tracker', () => {
  it('gives a lead car closing at 5 m/s from 40 m its true TTC, gap and closing speed (10 fps, 2 % jitter)', () => {
    const lead: SyntheticVehicle = {
      className: 'car',
      heightM: 1.5,
      widthM: 1.8,
      rangeAt: (t) => 40 - 5 * t,
      lateralAt: () => 0.2,
    };
    // 2 % of the box height per edge: ~1 px on a car 30 m away at 640 px focal length.
    const out = kinematicsOver(lead, {
      fps: 10,
      durationS: 5,
      jitterShare: 0.02,
      missShare: 0,
      seed: 'approach',
    });
    const ttcErr: number[] = [];
    for (const { tS, k } of out.filter((o) => o.tS >= 1.5)) {
      const rangeM = 40 - 5 * tS;
      ttcErr.push(Math.abs(k!.ttcS! / (rangeM / 5) - 1));
      expect(k!.closingMps!, `closing at ${tS} s`).toBeGreaterThan(3.5);
      expect(k!.closingMps!, `closing at ${tS} s`).toBeLessThan(6.5);
      expect(Math.abs(k!.gapM - (rangeM - 2)), `gap at ${tS} s`).toBeLessThan(0.1 * rangeM);
      expect(k!.inEgoCorridor).toBe(true);
    }
    // Unbiased but noisy: the growth rate's error (~0.03 /s here) is a relative TTC error of
    // 0.03 × TTC, so ±20 % at 6 s and ±6 % at 2 s, where it matters.
    const late = ttcErr.slice(-11); // true TTC ≤ 4 s
    ttcErr.sort((a, b) => a - b);
    expect(ttcErr[Math.floor(ttcErr.length / 2)]!, 'median TTC error').toBeLessThan(0.15);
    expect(Math.max(...late), 'worst TTC error at TTC ≤ 4 s').toBeLessThan(0.25);
  });

  it('keeps 1/TTC unbiased and TTC within 20 % on average at 5 fps, 3 % jitter, a fifth of detections missed', () => {
    const lead: SyntheticVehicle = {
      className: 'car',
      heightM: 1.5,
      widthM: 1.8,
      rangeAt: (t) => 30 - 4 * t,
      lateralAt: () => 0,
    };
    // Pooled over eight noise draws: one 5 s run has too few independent windows to show a bias.
    const ratios = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'].flatMap((seed) =>
      kinematicsOver(lead, { fps: 5, durationS: 5, jitterShare: 0.03, missShare: 0.2, seed })
        .filter((o) => o.tS >= 2 && o.k?.ttcS !== undefined)
        .map((o) => o.k!.ttcS! / ((30 - 4 * o.tS) / 4)),
    );
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(ratios.length).toBeGreaterThan(80);
    // The fit estimates 1/TTC, unbiased; TTC itself, its inverse, leans long under noise (Jensen).
    expect(Math.abs(mean(ratios.map((r) => 1 / r)) - 1), '1/TTC bias').toBeLessThan(0.05);
    expect(mean(ratios.map((r) => Math.abs(r - 1))), 'mean TTC error').toBeLessThan(0.2);
  });

  it('reports no TTC and a negative closing speed for a car pulling away', () => {
    const away: SyntheticVehicle = {
      className: 'car',
      heightM: 1.5,
      widthM: 1.8,
      rangeAt: (t) => 15 + 3 * t,
      lateralAt: () => 0,
    };
    const out = kinematicsOver(away, {
      fps: 10,
      durationS: 3,
      jitterShare: 0.02,
      missShare: 0,
      seed: 'away',
    });
    const k = out.at(-1)!.k!;
    expect(k.ttcS).toBeUndefined();
    expect(k.closingMps!).toBeLessThan(-2);
    expect(k.closingMps!).toBeGreaterThan(-4);
  });

  it('reports no TTC for a car holding its distance', () => {
    const steady: SyntheticVehicle = {
      className: 'car',
      heightM: 1.5,
      widthM: 1.8,
      rangeAt: () => 25,
      lateralAt: () => 0,
    };
    const out = kinematicsOver(steady, {
      fps: 10,
      durationS: 3,
      jitterShare: 0.02,
      missShare: 0,
      seed: 'steady',
    });
    const late = out.filter((o) => o.tS >= 1).map((o) => o.k!);
    // Jitter may make a far-off TTC appear now and then; none is short enough to matter.
    expect(late.every((k) => k.ttcS === undefined || k.ttcS > 8)).toBe(true);
    expect(late.every((k) => Math.abs(k.closingMps!) < 2)).toBe(true);
  });
});
