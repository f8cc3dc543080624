import { clipBox, type Detection, nonMaxSuppression, type ObjectDetector } from '../detection.ts';
import { PerceptionError } from '../perceptionError.ts';
import type { DetectorModel, OutputTensor } from './detectorModel.ts';

/**
 * Runs one model input through an inference runtime (onnxruntime-web, an NPU driver, a test
 * fake). The runtime is the only part of detection that is not portable code.
 */
export interface TensorRunner {
  run(input: Float32Array, dims: readonly number[]): Promise<OutputTensor>;
}

/** Detector options. */
export interface TensorDetectorOptions {
  /** Detections below this score are dropped; default the model's reference threshold. */
  minScore?: number;
  /** When given, only these class names are reported. */
  classes?: ReadonlySet<string>;
}

/**
 * An {@link ObjectDetector} from a model description and a runtime: pre-process, run, decode,
 * NMS, clip to the image, drop empty boxes.
 *
 * @throws PerceptionError `BAD_CONFIG` for a score threshold outside 0..1
 */
export function createTensorDetector(
  model: DetectorModel,
  runner: TensorRunner,
  options: TensorDetectorOptions = {},
): ObjectDetector {
  const minScore = options.minScore ?? model.defaultMinScore;
  if (!(minScore >= 0 && minScore <= 1)) {
    throw new PerceptionError('BAD_CONFIG', `minScore must be in 0..1, got ${minScore}`);
  }
  return {
    modelVersion: model.version,
    async detect(image) {
      const input = model.toTensor(image);
      const output = await runner.run(input.data, [1, 3, input.sizePx, input.sizePx]);
      const raw = model.decode(output, input.geometry, minScore);
      const wanted = options.classes;
      const kept: Detection[] = [];
      for (const d of nonMaxSuppression(raw, model.nmsIou)) {
        if (wanted && !wanted.has(d.className)) continue;
        const box = clipBox(d.box, image.width, image.height);
        if (box.w >= 1 && box.h >= 1) kept.push({ ...d, box });
      }
      return kept;
    },
  };
}
