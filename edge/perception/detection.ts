/**
 * A camera frame as perception sees it: packed RGB bytes, row-major, 3 bytes a pixel. The image
 * never leaves the device; only boxes and kinematics do.
 */
export interface RgbImage {
  width: number;
  height: number;
  /** `width × height × 3` bytes, R then G then B. */
  rgb: Uint8Array;
}

/** An axis-aligned box in pixels of the original image: left, top, width, height. */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One object the detector found. */
export interface Detection {
  /** COCO class name (`car`, `truck`, `person`, …). */
  className: string;
  /** Detector confidence, 0..1. */
  score: number;
  box: PixelBox;
}

/**
 * Anything that turns a frame into detections. On Node and in browsers it is the ONNX detector
 * in onnxruntime-web (`adapters/ortDetector.ts`); on a camera whose JavaScript runtime has no
 * WebAssembly (QuickJS) it is {@link createHostDetector}: the firmware runs the detector on its
 * NPU and hands the boxes in. Everything after this interface (tracker, kinematics) is the same
 * portable code on every runtime.
 */
export interface ObjectDetector {
  /** Model name and version, e.g. `fastestdet-2022.07` (goes into events and manifests). */
  readonly modelVersion: string;
  detect(image: RgbImage): Promise<Detection[]>;
}

/**
 * Intersection over union of two boxes, 0..1 (0 for empty boxes).
 *
 * @example iou({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 }) // 1/3
 */
export function iou(a: PixelBox, b: PixelBox): number {
  const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-maximum suppression, class-agnostic: the best-scoring box wins and every box that
 * overlaps it by more than `iouThreshold` goes. Class-agnostic like both candidate detectors'
 * reference decoders, because a small COCO detector often reports one vehicle as both `car` and
 * `truck`, and two boxes on one object would become two tracks.
 */
export function nonMaxSuppression<T extends Detection>(detections: readonly T[], iouThreshold: number): T[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const d of sorted) {
    if (kept.every((k) => iou(k.box, d.box) <= iouThreshold)) kept.push(d);
  }
  return kept;
}

/** Clips a box to the image; boxes decoders produce may reach past the border. */
export function clipBox(box: PixelBox, width: number, height: number): PixelBox {
  const x1 = Math.min(Math.max(box.x, 0), width);
  const y1 = Math.min(Math.max(box.y, 0), height);
  const x2 = Math.min(Math.max(box.x + box.w, 0), width);
  const y2 = Math.min(Math.max(box.y + box.h, 0), height);
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 };
}
