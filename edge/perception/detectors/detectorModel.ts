import type { Detection, RgbImage } from '../detection.ts';
import type { InputGeometry, InputTensor } from '../preprocess.ts';

/** A model output tensor as any runtime returns it. */
export interface OutputTensor {
  data: Float32Array;
  dims: readonly number[];
}

/**
 * Everything about one ONNX detector that is not the runtime: its I/O names, how a frame becomes
 * its input and how its output becomes boxes. Pure and portable, so a camera host with an NPU can
 * run the same pre- and post-processing around its own inference.
 */
export interface DetectorModel {
  /** Model name and version, e.g. `fastestdet-2022.07`. */
  readonly version: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly inputSizePx: number;
  /** The reference decoder's score threshold. */
  readonly defaultMinScore: number;
  /** IoU above which NMS drops the weaker box (both references: 0.45). */
  readonly nmsIou: number;
  toTensor(image: RgbImage): InputTensor;
  /** Boxes in original-image pixels with score ≥ `minScore`, before NMS. */
  decode(output: OutputTensor, geometry: InputGeometry, minScore: number): Detection[];
}
