import { readFile } from 'node:fs/promises';
import type { ObjectDetector } from '../detection.ts';
import { FASTESTDET } from '../detectors/fastestDet.ts';
import type { TensorDetectorOptions } from '../detectors/tensorDetector.ts';
import { createOrtDetector } from './ortDetector.ts';

/** The detector shipped in the repository (manifest: `models/FastestDet.manifest.json`). */
export const VENDORED_DETECTOR = FASTESTDET;

/**
 * The camera's operating threshold, below the reference decoder's 0.65: the tracker confirms an
 * object only after several hits in a row, which filters the odd false box, while a missed lead
 * car costs the anticipation stage its input. On the hand-labelled road photos 0.5 gives recall
 * 0.82 at precision 1.00, 0.65 recall 0.65 (`dashnet bench --only perception`).
 */
export const VENDORED_MIN_SCORE = 0.5;

/** Path of the vendored model file. */
export const VENDORED_MODEL_URL = new URL('../models/FastestDet.onnx', import.meta.url);

/**
 * The vendored detector in onnxruntime-web (Node) at {@link VENDORED_MIN_SCORE} unless told
 * otherwise. About a second to create: create once, reuse.
 */
export async function loadVendoredDetector(
  options: TensorDetectorOptions = {},
): Promise<ObjectDetector & { release(): Promise<void> }> {
  const bytes = new Uint8Array(await readFile(VENDORED_MODEL_URL));
  return createOrtDetector(VENDORED_DETECTOR, bytes, { minScore: VENDORED_MIN_SCORE, ...options });
}
