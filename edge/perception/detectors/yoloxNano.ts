import { COCO_CLASSES } from '../cocoClasses.ts';
import type { Detection } from '../detection.ts';
import { PerceptionError } from '../perceptionError.ts';
import { type InputGeometry, letterboxToTensor } from '../preprocess.ts';
import type { DetectorModel, OutputTensor } from './detectorModel.ts';

const SIZE_PX = 416;
const STRIDES = [8, 16, 32] as const;
const CLASSES = 80;
const ROW = 5 + CLASSES;
/** 52² + 26² + 13² anchor points, stride 8 first. */
const ANCHORS = STRIDES.reduce((n, s) => n + (SIZE_PX / s) ** 2, 0);

/**
 * Decodes YOLOX's 1×3549×85 output (`[x, y, w, h, obj, cls…]` per anchor point, obj and cls
 * already sigmoid) as YOLOX's `demo_postprocess`: centre `(x + gx)·s`, size `exp(w)·s`, score
 * `obj · cls`, then back through the letterbox scale.
 *
 * @throws PerceptionError `BAD_MODEL_OUTPUT`
 */
export function decodeYoloxNano(
  output: OutputTensor,
  geometry: InputGeometry,
  minScore: number,
): Detection[] {
  const { data, dims } = output;
  if (dims.join('x') !== `1x${ANCHORS}x${ROW}`) {
    throw new PerceptionError(
      'BAD_MODEL_OUTPUT',
      `YOLOX output must be 1x${ANCHORS}x${ROW}, got ${dims.join('x')}`,
    );
  }
  const out: Detection[] = [];
  let anchor = 0;
  for (const stride of STRIDES) {
    const grid = SIZE_PX / stride;
    for (let gy = 0; gy < grid; gy++) {
      for (let gx = 0; gx < grid; gx++, anchor++) {
        const p = anchor * ROW;
        const obj = data[p + 4]!;
        if (obj < minScore) continue; // score = obj·cls ≤ obj: skip the 80-class scan
        let best = 0;
        let bestClass = 0;
        for (let k = 0; k < CLASSES; k++) {
          const v = data[p + 5 + k]!;
          if (v > best) {
            best = v;
            bestClass = k;
          }
        }
        const score = obj * best;
        if (!(score >= minScore)) continue;
        const cx = (data[p]! + gx) * stride;
        const cy = (data[p + 1]! + gy) * stride;
        const bw = Math.exp(data[p + 2]!) * stride;
        const bh = Math.exp(data[p + 3]!) * stride;
        out.push({
          className: COCO_CLASSES[bestClass]!,
          score,
          box: {
            x: (cx - bw / 2) / geometry.scaleX,
            y: (cy - bh / 2) / geometry.scaleY,
            w: bw / geometry.scaleX,
            h: bh / geometry.scaleY,
          },
        });
      }
    }
  }
  return out;
}

/**
 * YOLOX-Nano (Megvii, Apache-2.0; ONNX export by iinfer, MIT): 0.91 M parameters, 3.7 MB, 416²
 * letterboxed BGR input, 0..255. Not vendored: the candidate it was measured against (bench
 * reads it from the shared models folder when present).
 */
export const YOLOX_NANO: DetectorModel = {
  version: 'yolox-nano-0.1.1rc0',
  inputName: 'images',
  outputName: 'output',
  inputSizePx: SIZE_PX,
  defaultMinScore: 0.3,
  nmsIou: 0.45,
  toTensor: (image) => letterboxToTensor(image, SIZE_PX, 114),
  decode: decodeYoloxNano,
};
