import type { LeadKinematicsFrame } from '../../badas/kinematics.ts';
import { createSeededRandom } from '../../core/random.ts';
import type { CameraGeometry } from '../cameraGeometry.ts';
import { parseHostDetections, toDetectionsJson } from '../hostDetections.ts';
import { LeadPerception } from '../leadPerception.ts';
import { syntheticFrames } from './syntheticScene.ts';

/** What {@link runPerceptionScenario} returns. */
export interface PerceptionScenarioResult {
  frames: LeadKinematicsFrame[];
  /** Frames stepped and the time spent in tracker + kinematics (host JSON parsing included), ms. */
  steps: number;
  stepMs: number;
}

const CAMERA: CameraGeometry = { imageWidthPx: 1280, imageHeightPx: 720, hfovDeg: 100, setbackM: 2 };

/**
 * Perception after the detector as a QuickJS camera runs it: each frame's boxes arrive from the
 * host as contract JSON (here: a synthetic town scene — a lead that brakes, a truck overtaken in
 * the next lane, a pedestrian on the kerb), are validated by `parseHostDetections` and stepped
 * through {@link LeadPerception}. Pure and portable: `now` is the host's clock, for timing only.
 */
export function runPerceptionScenario(options: {
  seed: string;
  durationS: number;
  fps: number;
  now?: () => number;
}): PerceptionScenarioResult {
  const { seed, durationS, fps, now = () => 0 } = options;
  const scene = syntheticFrames({
    camera: CAMERA,
    vehicles: [
      {
        className: 'car',
        heightM: 1.5,
        widthM: 1.8,
        // Every 10 s: brakes at 2 s, the gap stops shrinking at 12.5 m (both stopped).
        rangeAt: (t) => 25 - 2 * Math.min(2.5, Math.max(0, (t % 10) - 2)) ** 2,
        lateralAt: () => 0.2,
      },
      // A slower truck in the next lane, overtaken every 8 s.
      {
        className: 'truck',
        heightM: 3,
        widthM: 2.5,
        rangeAt: (t) => 40 - 6 * (t % 8),
        lateralAt: () => -3.6,
      },
      { className: 'person', heightM: 1.7, widthM: 0.5, rangeAt: () => 18, lateralAt: () => 6 },
    ],
    fps,
    durationS,
    jitterShare: 0.02,
    missShare: 0.05,
    random: createSeededRandom(seed),
  });
  // Serialised up front: the host hands JSON text to the camera app.
  const hostJson = scene.map((f) => JSON.stringify(toDetectionsJson(f.detections)));
  const perception = new LeadPerception(CAMERA);
  const frames: LeadKinematicsFrame[] = [];
  const t0 = now();
  scene.forEach((f, i) => {
    const detections = parseHostDetections(JSON.parse(hostJson[i]!), {
      width: CAMERA.imageWidthPx,
      height: CAMERA.imageHeightPx,
    });
    frames.push(perception.step(f.tS, detections, { speedMps: 12, accelMps2: 0 }).frame);
  });
  return { frames, steps: scene.length, stepMs: now() - t0 };
}
