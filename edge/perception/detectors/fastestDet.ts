import { COCO_CLASSES } from '../cocoClasses.ts';
import type { Detection } from '../detection.ts';
import { PerceptionError } from '../perceptionError.ts';
import { type InputGeometry, stretchToTensor } from '../preprocess.ts';
import type { DetectorModel, OutputTensor } from './detectorModel.ts';

const SIZE_PX = 352;
const GRID = 22;
const CLASSES = 80;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Decodes FastestDet's single 1×85×22×22 grid (models/FastestDet.manifest.json): per cell,
 * objectness (sigmoid in-graph), tanh centre offsets, sigmoid sizes as image fractions, softmaxed
 * class probabilities. Score is `obj^0.6 · cls^0.4` as in the reference `runtime.py`.
 *
 * @throws PerceptionError `BAD_MODEL_OUTPUT`
 */
export function decodeFastestDet(
  output: OutputTensor,
  geometry: InputGeometry,
  minScore: number,
): Detection[] {
  const { data, dims } = output;
  if (dims.join('x') !== `1x${5 + CLASSES}x${GRID}x${GRID}`) {
    throw new PerceptionError(
      'BAD_MODEL_OUTPUT',
      `FastestDet output must be 1x85x22x22, got ${dims.join('x')}`,
    );
  }
  // The input was a stretch, so normalised coordinates map to the original image per axis.
  const imageW = SIZE_PX / geometry.scaleX;
  const imageH = SIZE_PX / geometry.scaleY;
  const cells = GRID * GRID;
  const out: Detection[] = [];
  for (let gy = 0; gy < GRID; gy++) {
    for (let gx = 0; gx < GRID; gx++) {
      const c = gy * GRID + gx;
      const obj = data[c]!;
      let best = 0;
      let bestClass = 0;
      for (let k = 0; k < CLASSES; k++) {
        const p = data[(5 + k) * cells + c]!;
        if (p > best) {
          best = p;
          bestClass = k;
        }
      }
      const score = obj ** 0.6 * best ** 0.4;
      if (!(score >= minScore)) continue;
      const cx = (gx + Math.tanh(data[cells + c]!)) / GRID;
      const cy = (gy + Math.tanh(data[2 * cells + c]!)) / GRID;
      const bw = sigmoid(data[3 * cells + c]!);
      const bh = sigmoid(data[4 * cells + c]!);
      out.push({
        className: COCO_CLASSES[bestClass]!,
        score,
        box: { x: (cx - bw / 2) * imageW, y: (cy - bh / 2) * imageH, w: bw * imageW, h: bh * imageH },
      });
    }
  }
  return out;
}

/**
 * FastestDet (dog-qiuqiu, BSD-3-Clause): 0.24 M parameters, 998 KB, 352² stretched BGR input
 * scaled to 0..1. The vendored detector (see README in models/ for why it was picked).
 */
export const FASTESTDET: DetectorModel = {
  version: 'fastestdet-2022.07',
  inputName: 'input.1',
  outputName: '758',
  inputSizePx: SIZE_PX,
  defaultMinScore: 0.65,
  nmsIou: 0.45,
  toTensor: (image) => stretchToTensor(image, SIZE_PX, 1 / 255),
  decode: decodeFastestDet,
};
