import { describe, expect, it } from 'vitest';
import { addScores, runDrive, type Score, score } from '../testing/runDrive.ts';
import {
  type DriveScript,
  syntheticDrive,
  type TruthEvent,
  townDriveScript,
} from '../testing/syntheticDrive.ts';

/** Varied sensing: 5 Hz IMU without gyro at 1 Hz GPS, 100 Hz with gyro at 10 Hz GPS, odd mounts. */
const SCENARIOS: Partial<DriveScript>[] = [
  { seed: 'a', imuHz: 5, gpsHz: 1, mount: { yawDeg: 127, pitchDeg: -68, rollDeg: 23 } },
  { seed: 'b', imuHz: 5, gpsHz: 1, mount: { yawDeg: -40, pitchDeg: 15, rollDeg: 170 } },
  { seed: 'c', imuHz: 100, gpsHz: 10, gyro: true, mount: { yawDeg: 200, pitchDeg: 80, rollDeg: -35 } },
  { seed: 'd', imuHz: 50, gpsHz: 5, mount: { yawDeg: 10, pitchDeg: -5, rollDeg: 90 } },
];

const runs = SCENARIOS.map((s) => {
  const d = syntheticDrive(townDriveScript(s));
  return { drive: d, run: runDrive(d.gps, d.imu) };
});

function total(pick: (truth: TruthEvent[], run: (typeof runs)[number]['run']) => Score): Score {
  return runs.reduce((acc, r) => addScores(acc, pick(r.drive.truth, r.run)), {
    truePositives: 0,
    falsePositives: 0,
    falseNegatives: 0,
  });
}

const precision = (s: Score): number => s.truePositives / Math.max(1, s.truePositives + s.falsePositives);
const recall = (s: Score): number => s.truePositives / Math.max(1, s.truePositives + s.falseNegatives);

describe('detectors on synthetic drives (rotated mounts, 5–100 Hz)', () => {
  it('finds hard brakes with precision and recall of 1.0 over 8 brakes', () => {
    const s = total((truth, run) =>
      score(
        truth.filter((t) => t.type === 'hard_brake'),
        run.detected.filter((e) => e.type === 'hard_brake'),
      ),
    );
    expect(s.truePositives + s.falseNegatives).toBe(8);
    expect({ precision: precision(s), recall: recall(s) }).toEqual({ precision: 1, recall: 1 });
  });

  it('finds hard corners with precision and recall of 1.0 and ignores a gentle 90° turn', () => {
    const s = total((truth, run) =>
      score(
        truth.filter((t) => t.type === 'hard_corner'),
        run.detected.filter((e) => e.type === 'hard_corner'),
      ),
    );
    expect({ precision: precision(s), recall: recall(s) }).toEqual({ precision: 1, recall: 1 });
  });

  it('finds potholes and bumps with recall ≥ 0.85 and tells them apart', () => {
    let correctKind = 0;
    const s = total((truth, run) => {
      const t = truth.filter((e) => e.type === 'pothole' || e.type === 'bump');
      const found = run.detected.filter((e) => e.type === 'road_anomaly');
      for (const f of found) {
        const match = t.find((e) => Math.abs(e.tMs - f.tMs) <= 1000);
        if (match && f.type === 'road_anomaly' && f.kind === match.type) correctKind++;
      }
      return score(t, found, 1000);
    });
    expect(recall(s)).toBeGreaterThanOrEqual(0.85);
    expect(precision(s)).toBe(1);
    expect(correctKind).toBe(s.truePositives);
  });

  it('does not report a bump or a pothole as a hard brake', () => {
    for (const { drive, run } of runs) {
      const shocks = drive.truth.filter((t) => t.type === 'bump' || t.type === 'pothole');
      const brakesNearShocks = run.detected.filter(
        (e) => e.type === 'hard_brake' && shocks.some((s) => Math.abs(s.tMs - e.tMs) < 5000),
      );
      expect(brakesNearShocks).toEqual([]);
    }
  });

  it('reports brake magnitudes within 25 % of the truth', () => {
    for (const { drive, run } of runs) {
      for (const t of drive.truth.filter((e) => e.type === 'hard_brake')) {
        const e = run.detected.find((d) => d.type === 'hard_brake' && Math.abs(d.tMs - t.tMs) < 3000);
        expect(e?.type === 'hard_brake' && Math.abs(e.decelMps2 - t.magnitude) / t.magnitude).toBeLessThan(
          0.25,
        );
      }
    }
  });

  it('falls back to GPS deceleration when there is no IMU at all', () => {
    const d = syntheticDrive(townDriveScript({ seed: 'gps-only' }));
    const run = runDrive(d.gps, []);
    const s = score(
      d.truth.filter((t) => t.type === 'hard_brake'),
      run.detected.filter((e) => e.type === 'hard_brake'),
    );
    expect(s).toEqual({ truePositives: 2, falsePositives: 0, falseNegatives: 0 });
    expect(run.detected.every((e) => e.type !== 'hard_brake' || e.source === 'gps')).toBe(true);
  });

  it('emits no orientation-dependent IMU event before forward calibration converges', () => {
    for (const { run } of runs) {
      const readyAt = run.forwardReadyAtMs ?? Number.POSITIVE_INFINITY;
      const early = run.detected.filter(
        (e) => (e.type === 'hard_brake' || e.type === 'hard_corner') && e.source === 'imu' && e.tMs < readyAt,
      );
      expect(early).toEqual([]);
    }
  });
});
