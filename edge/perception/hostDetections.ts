import { clipBox, type Detection, type ObjectDetector, type RgbImage } from './detection.ts';
import { PerceptionError } from './perceptionError.ts';

/**
 * Detections as JSON: what `dashnet edge detect` prints (contract §1) and what a camera host
 * hands in where the detector cannot run in JavaScript. Boxes are `[x, y, w, h]` in pixels of
 * the original image.
 */
export interface DetectionsJson {
  /** The detector that produced them (an extension of the contract's shape). */
  model?: string;
  detections: { class: string; score: number; box: [number, number, number, number] }[];
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The contract's JSON for `detections`, boxes to 0.1 px and scores to 0.001. */
export function toDetectionsJson(detections: readonly Detection[], model?: string): DetectionsJson {
  const out: DetectionsJson = {
    detections: detections.map((d) => ({
      class: d.className,
      score: round(d.score, 3),
      box: [round(d.box.x, 1), round(d.box.y, 1), round(d.box.w, 1), round(d.box.h, 1)],
    })),
  };
  if (model !== undefined) out.model = model;
  return out;
}

/**
 * Validates detections a host hands in — a {@link DetectionsJson} object or its `detections`
 * array — and returns them as {@link Detection}s, clipped to the frame when its size is given.
 * This is the boundary where QuickJS cameras inject their NPU's boxes, so it trusts nothing:
 * a NaN or negative size would otherwise reach the tracker as a real object.
 *
 * @throws PerceptionError `BAD_DETECTIONS` naming the first bad entry
 */
export function parseHostDetections(value: unknown, frame?: { width: number; height: number }): Detection[] {
  const list = Array.isArray(value) ? value : (value as { detections?: unknown } | null)?.detections;
  if (!Array.isArray(list)) {
    throw new PerceptionError('BAD_DETECTIONS', 'expected { detections: [...] } or an array of detections');
  }
  return list.map((raw: unknown, i) => {
    const d = raw as { class?: unknown; score?: unknown; box?: unknown } | null;
    const box = d?.box;
    const bad = (why: string): PerceptionError =>
      new PerceptionError('BAD_DETECTIONS', `detection ${i}: ${why}`);
    if (typeof d?.class !== 'string' || d.class.length === 0) throw bad('class must be a non-empty string');
    if (typeof d.score !== 'number' || !(d.score >= 0 && d.score <= 1)) throw bad('score must be in 0..1');
    if (
      !Array.isArray(box) ||
      box.length !== 4 ||
      !box.every((v) => typeof v === 'number' && Number.isFinite(v))
    ) {
      throw bad('box must be [x, y, w, h], four finite numbers');
    }
    const [x, y, w, h] = box as [number, number, number, number];
    if (!(w > 0 && h > 0)) throw bad('box width and height must be positive');
    const px = { x, y, w, h };
    return { className: d.class, score: d.score, box: frame ? clipBox(px, frame.width, frame.height) : px };
  });
}

/**
 * An {@link ObjectDetector} whose detections come from the host: on a camera whose JavaScript
 * runtime has no WebAssembly (QuickJS), the firmware runs the detector on its NPU and `source`
 * returns the result as {@link DetectionsJson} (or its array) for the frame. The tracker and
 * everything after it cannot tell the difference.
 *
 * @example createHostDetector('fastestdet-2022.07', (frame) => JSON.parse(host.detect(frame.width, frame.height)))
 */
export function createHostDetector(
  modelVersion: string,
  source: (image: RgbImage) => unknown | Promise<unknown>,
): ObjectDetector {
  return {
    modelVersion,
    async detect(image) {
      return parseHostDetections(await source(image), image);
    },
  };
}
