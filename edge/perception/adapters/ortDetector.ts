import * as ort from 'onnxruntime-web';
import type { ObjectDetector } from '../detection.ts';
import type { DetectorModel } from '../detectors/detectorModel.ts';
import {
  createTensorDetector,
  type TensorDetectorOptions,
  type TensorRunner,
} from '../detectors/tensorDetector.ts';
import { PerceptionError } from '../perceptionError.ts';

/**
 * onnxruntime-web behind {@link TensorRunner}. Node and browser builds only: it needs
 * WebAssembly, which the camera's QuickJS runtime lacks (there the host injects detections, see
 * `hostDetector.ts`). Never import this from code the camera bundle reaches.
 */
export interface OrtRunner extends TensorRunner {
  /** Frees the session's WebAssembly memory. */
  release(): Promise<void>;
}

/**
 * Creates an inference session for `modelBytes` on the wasm backend with one thread: session
 * creation costs about a second, so create one and reuse it for every frame. One thread because
 * the camera (and the CI box) shares its cores with the rest of the pipeline, and so the
 * latency figures mean the same everywhere.
 *
 * @throws PerceptionError `MODEL_FAILED` when the bytes are not a loadable model or lack the named I/O
 */
export async function createOrtRunner(
  modelBytes: Uint8Array,
  io: { inputName: string; outputName: string },
): Promise<OrtRunner> {
  ort.env.wasm.numThreads = 1;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'] });
  } catch (err) {
    throw new PerceptionError('MODEL_FAILED', `cannot load the ONNX model: ${(err as Error).message}`);
  }
  if (!session.inputNames.includes(io.inputName) || !session.outputNames.includes(io.outputName)) {
    await session.release();
    throw new PerceptionError(
      'MODEL_FAILED',
      `model has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], expected ${io.inputName} → ${io.outputName}`,
    );
  }
  return {
    async run(input, dims) {
      const feeds = { [io.inputName]: new ort.Tensor('float32', input, dims) };
      const results = await session.run(feeds);
      const out = results[io.outputName];
      if (out?.type !== 'float32') {
        throw new PerceptionError('MODEL_FAILED', `model returned no float32 '${io.outputName}'`);
      }
      return { data: out.data as Float32Array, dims: out.dims };
    },
    release: () => session.release(),
  };
}

/** An {@link ObjectDetector} running `model` in onnxruntime-web, plus its release. */
export async function createOrtDetector(
  model: DetectorModel,
  modelBytes: Uint8Array,
  options: TensorDetectorOptions = {},
): Promise<ObjectDetector & { release(): Promise<void> }> {
  const runner = await createOrtRunner(modelBytes, model);
  return { ...createTensorDetector(model, runner, options), release: runner.release };
}
