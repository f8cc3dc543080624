import * as ort from 'onnxruntime-web';
import { BadasError } from './badasError.ts';
import { type BadasOperatingPoint, readBadasMetadata } from './badasScorer.ts';
import { BADAS_FEATURE_COUNT } from './features.ts';
import { parseOnnxModel } from './onnxModel.ts';

/** The BADAS model in onnxruntime-web: batched and asynchronous. */
export interface OrtBadasSession {
  readonly modelVersion: string;
  readonly operatingPoint: BadasOperatingPoint;
  /** Scores a batch of feature vectors in one run. */
  scoreBatch(features: readonly Float32Array[]): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * Opens the BADAS `.onnx` in onnxruntime-web (WebAssembly, one thread: a camera SoC or a shared
 * server has no cores to spare). The runtime for hosts with WebAssembly (Node, browsers); the
 * portable interpreter (`createPortableBadasScorer`) runs the same bytes where there is none.
 * Host adapter only: not imported by the camera bundle.
 *
 * @throws BadasError `BAD_MODEL`
 */
export async function createOrtBadasSession(onnxBytes: Uint8Array): Promise<OrtBadasSession> {
  const { modelVersion, operatingPoint } = readBadasMetadata(parseOnnxModel(onnxBytes).metadata);
  ort.env.wasm.numThreads = 1;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnxBytes);
  } catch (err) {
    throw new BadasError('BAD_MODEL', `onnxruntime-web refused the model: ${(err as Error).message}`);
  }
  const input = session.inputNames[0]!;
  const output = session.outputNames[0]!;
  return {
    modelVersion,
    operatingPoint,
    async scoreBatch(features) {
      const flat = new Float32Array(features.length * BADAS_FEATURE_COUNT);
      for (let i = 0; i < features.length; i++) flat.set(features[i]!, i * BADAS_FEATURE_COUNT);
      const tensor = new ort.Tensor('float32', flat, [features.length, BADAS_FEATURE_COUNT]);
      const out = await session.run({ [input]: tensor });
      return out[output]!.data as Float32Array;
    },
    release: () => session.release(),
  };
}
