import type { Random } from '../../core/random.ts';
import { type CameraGeometry, focalLengths } from '../cameraGeometry.ts';
import type { Detection } from '../detection.ts';

/** A vehicle in a synthetic scene, in road coordinates relative to the camera. */
export interface SyntheticVehicle {
  className: string;
  heightM: number;
  widthM: number;
  /** Camera to the vehicle's rear face at time t, metres. */
  rangeAt(tS: number): number;
  /** Lateral offset of its centre, metres, positive right. */
  lateralAt(tS: number): number;
}

/** One synthetic frame. */
export interface SyntheticFrame {
  tS: number;
  detections: Detection[];
}

/**
 * Detections a pinhole camera would see of `vehicles` over time, with the detector's box jitter:
 * each box edge moves by a Gaussian-ish error of `jitterShare` × the box height (a small detector
 * on a 1280-px frame: ~2–4 %), and each detection is missed with `missShare` probability.
 * Vehicles closer than 1 m or wholly outside the image are not seen.
 */
export function syntheticFrames(options: {
  camera: CameraGeometry;
  vehicles: readonly SyntheticVehicle[];
  fps: number;
  durationS: number;
  jitterShare: number;
  missShare: number;
  random: Random;
}): SyntheticFrame[] {
  const { camera, vehicles, fps, durationS, jitterShare, missShare, random } = options;
  const { fxPx, fyPx } = focalLengths(camera);
  // Sum of three uniforms: bell-shaped, bounded, unit variance after scaling.
  const noise = (): number => (random.next() + random.next() + random.next() - 1.5) * 2;
  const frames: SyntheticFrame[] = [];
  for (let i = 0; i <= Math.round(durationS * fps); i++) {
    const tS = i / fps;
    const detections: Detection[] = [];
    for (const v of vehicles) {
      if (random.next() < missShare) continue;
      const rangeM = v.rangeAt(tS);
      // Behind the camera or passed beside it: out of view.
      if (!(rangeM > 1)) continue;
      const hPx = (v.heightM * fyPx) / rangeM;
      const wPx = (v.widthM * fxPx) / rangeM;
      const cx = camera.imageWidthPx / 2 + (v.lateralAt(tS) * fxPx) / rangeM;
      // The camera sits ~1.3 m up, so a car's box spans from about the horizon down.
      const cy = camera.imageHeightPx / 2 + (0.55 * fyPx) / rangeM;
      const e = jitterShare * hPx;
      const x1 = cx - wPx / 2 + e * noise();
      const x2 = cx + wPx / 2 + e * noise();
      const y1 = cy - hPx / 2 + e * noise();
      const y2 = cy + hPx / 2 + e * noise();
      if (x2 <= 0 || x1 >= camera.imageWidthPx) continue;
      detections.push({ className: v.className, score: 0.8, box: { x: x1, y: y1, w: x2 - x1, h: y2 - y1 } });
    }
    frames.push({ tS, detections });
  }
  return frames;
}
