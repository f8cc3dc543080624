import { describe, expect, it } from 'vitest';
import { BadasMonitor } from '../badas/badasMonitor.ts';
import { createPortableBadasScorer } from '../badas/badasScorer.ts';
import { readBadasModel } from '../badas/modelFile.ts';
import { createSeededRandom } from '../core/random.ts';
import type { CameraGeometry } from './cameraGeometry.ts';
import { LeadPerception } from './leadPerception.ts';
import { syntheticFrames } from './testing/syntheticScene.ts';

const CAMERA: CameraGeometry = { imageWidthPx: 1280, imageHeightPx: 720, hfovDeg: 100, setbackM: 2 };

describe('perception feeding the anticipation stage', () => {
  it('scores a lead that brakes hard far above the same lead followed steadily', () => {
    // Ego holds 20 m/s. The lead follows at 25 m, brakes at 6 m/s² from t = 8 s: the gap closes
    // by 3·(t − 8)² m, i.e. TTC 1.5 s is reached near t = 10.1 s. Boxes carry 2 % jitter and
    // 5 % of them are missed, as from the detector.
    const brakeAtS = 8;
    const rangeAt = (t: number): number => 27 - 3 * Math.max(0, t - brakeAtS) ** 2;
    const frames = syntheticFrames({
      camera: CAMERA,
      vehicles: [{ className: 'car', heightM: 1.5, widthM: 1.8, rangeAt, lateralAt: () => 0.3 }],
      fps: 10,
      durationS: 10.5,
      jitterShare: 0.02,
      missShare: 0.05,
      random: createSeededRandom('perception-to-badas'),
    });
    const perception = new LeadPerception(CAMERA);
    const monitor = new BadasMonitor(createPortableBadasScorer(readBadasModel()));
    const scores = frames.map(({ tS, detections }) => {
      const { frame } = perception.step(tS, detections, { speedMps: 20, accelMps2: 0 });
      return { tS, score: monitor.push(frame).score, gapM: frame.leadGapM };
    });

    const steady = scores.filter((s) => s.tS >= 4 && s.tS < brakeAtS);
    const braking = scores.filter((s) => s.tS >= brakeAtS + 1.5);
    expect(steady.every((s) => s.gapM !== undefined && Math.abs(s.gapM - 25) < 3)).toBe(true);
    const maxSteady = Math.max(...steady.map((s) => s.score));
    const maxBraking = Math.max(...braking.map((s) => s.score));
    expect(maxSteady).toBeLessThan(0.5);
    expect(maxBraking).toBeGreaterThan(0.5);
    expect(maxBraking - maxSteady).toBeGreaterThan(0.3);
  });
});
