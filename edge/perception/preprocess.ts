import type { RgbImage } from './detection.ts';
import { PerceptionError } from './perceptionError.ts';

/**
 * How a model input maps back to the original image: original = (input − offset) / scale, per
 * axis. A stretch has different x and y scales; a letterbox one scale and a zero offset (the
 * candidates' letterbox pads at the bottom/right).
 */
export interface InputGeometry {
  scaleX: number;
  scaleY: number;
}

/** A model input: NCHW float32, batch 1, channels in B, G, R order. */
export interface InputTensor {
  data: Float32Array;
  sizePx: number;
  geometry: InputGeometry;
}

/**
 * Throws unless `image` holds exactly `width × height × 3` bytes.
 *
 * @throws PerceptionError `BAD_IMAGE`
 */
export function assertRgbImage(image: RgbImage): void {
  const { width, height, rgb } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PerceptionError('BAD_IMAGE', `image size must be positive integers, got ${width}×${height}`);
  }
  if (rgb.length !== width * height * 3) {
    throw new PerceptionError(
      'BAD_IMAGE',
      `image of ${width}×${height} needs ${width * height * 3} RGB bytes, got ${rgb.length}`,
    );
  }
}

/** Source pixels an output pixel covers along one axis, with their overlap weights (sum 1). */
function areaWeights(srcLen: number, dstLen: number): { index: number[]; weight: number[] }[] {
  const ratio = srcLen / dstLen;
  const out: { index: number[]; weight: number[] }[] = [];
  for (let d = 0; d < dstLen; d++) {
    const start = d * ratio;
    const end = start + ratio;
    const index: number[] = [];
    const weight: number[] = [];
    for (let s = Math.floor(start); s < Math.min(srcLen, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 1e-9) {
        index.push(s);
        weight.push(overlap / ratio);
      }
    }
    out.push({ index, weight });
  }
  return out;
}

/**
 * Stretches the whole image to `sizePx × sizePx` (aspect ratio not kept) by pixel-area averaging,
 * like OpenCV's `INTER_AREA` that FastestDet's reference pre-processing uses; averaging instead of
 * sampling keeps thin far-away cars from aliasing away when a 1280-px frame shrinks to 352.
 * Values are multiplied by `valueScale` (FastestDet: 1/255).
 *
 * @throws PerceptionError `BAD_IMAGE`
 */
export function stretchToTensor(image: RgbImage, sizePx: number, valueScale: number): InputTensor {
  assertRgbImage(image);
  const { width, height, rgb } = image;
  const cols = areaWeights(width, sizePx);
  const rows = areaWeights(height, sizePx);
  const plane = sizePx * sizePx;
  const data = new Float32Array(3 * plane);
  for (let oy = 0; oy < sizePx; oy++) {
    const row = rows[oy]!;
    for (let ox = 0; ox < sizePx; ox++) {
      const col = cols[ox]!;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let i = 0; i < row.index.length; i++) {
        const base = row.index[i]! * width;
        const wy = row.weight[i]!;
        for (let j = 0; j < col.index.length; j++) {
          const w = wy * col.weight[j]!;
          const p = (base + col.index[j]!) * 3;
          r += w * rgb[p]!;
          g += w * rgb[p + 1]!;
          b += w * rgb[p + 2]!;
        }
      }
      const o = oy * sizePx + ox;
      data[o] = b * valueScale;
      data[plane + o] = g * valueScale;
      data[2 * plane + o] = r * valueScale;
    }
  }
  return { data, sizePx, geometry: { scaleX: sizePx / width, scaleY: sizePx / height } };
}

/**
 * Resizes keeping the aspect ratio (bilinear, OpenCV `INTER_LINEAR` pixel-centre convention) into
 * the top-left corner of a `sizePx` square filled with `padValue`, as YOLOX's reference
 * pre-processing does. Values stay 0..255.
 *
 * @throws PerceptionError `BAD_IMAGE`
 */
export function letterboxToTensor(image: RgbImage, sizePx: number, padValue: number): InputTensor {
  assertRgbImage(image);
  const { width, height, rgb } = image;
  const r = Math.min(sizePx / width, sizePx / height);
  const outW = Math.floor(width * r);
  const outH = Math.floor(height * r);
  const plane = sizePx * sizePx;
  const data = new Float32Array(3 * plane).fill(padValue);
  for (let oy = 0; oy < outH; oy++) {
    const sy = Math.min(Math.max((oy + 0.5) / r - 0.5, 0), height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    for (let ox = 0; ox < outW; ox++) {
      const sx = Math.min(Math.max((ox + 0.5) / r - 0.5, 0), width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      const o = oy * sizePx + ox;
      for (let c = 0; c < 3; c++) {
        const top = rgb[(y0 * width + x0) * 3 + c]! * (1 - fx) + rgb[(y0 * width + x1) * 3 + c]! * fx;
        const bottom = rgb[(y1 * width + x0) * 3 + c]! * (1 - fx) + rgb[(y1 * width + x1) * 3 + c]! * fx;
        // Channel c of RGB goes to plane 2 − c: the models were trained on OpenCV's BGR.
        data[(2 - c) * plane + o] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { data, sizePx, geometry: { scaleX: r, scaleY: r } };
}
