import { BadasError } from './badasError.ts';
import { BADAS_FEATURE_COUNT } from './features.ts';
import { OnnxInterpreter } from './onnxInterpreter.ts';

/**
 * Where the camera raises and clears the collision warning. It ships inside the `.onnx`
 * (metadata `dashnet.*`), because it was chosen on validation scenarios for that very model:
 * a new model without its own operating point would inherit a threshold that means nothing.
 */
export interface BadasOperatingPoint {
  /** Raise when the score stays at or above this… */
  raiseAt: number;
  /** …for this long (seconds; 0 = at the first frame). */
  raiseHoldS: number;
  /** Clear when the score stays at or below this… */
  clearAt: number;
  /** …for this long (seconds). */
  clearHoldS: number;
}

/** A collision-anticipation model: feature vector in, conflict probability out. */
export interface BadasScorer {
  readonly modelVersion: string;
  readonly operatingPoint: BadasOperatingPoint;
  /** Probability in [0, 1] that a conflict starts within the next 3 s. */
  score(features: Float32Array): number;
}

/** Metadata keys the trainer writes into the `.onnx` (`metadata_props`). */
export const BADAS_METADATA = {
  version: 'dashnet.model_version',
  raiseAt: 'dashnet.raise_at',
  raiseHoldS: 'dashnet.raise_hold_s',
  clearAt: 'dashnet.clear_at',
  clearHoldS: 'dashnet.clear_hold_s',
  features: 'dashnet.features',
} as const;

function metaNumber(meta: Record<string, string>, key: string): number {
  const v = Number(meta[key]);
  if (meta[key] === undefined || !Number.isFinite(v))
    throw new BadasError('BAD_MODEL', `model metadata '${key}' is missing or not a number`);
  return v;
}

/** The operating point and version a BADAS `.onnx` carries in its metadata. */
export function readBadasMetadata(meta: Record<string, string>): {
  modelVersion: string;
  operatingPoint: BadasOperatingPoint;
} {
  const modelVersion = meta[BADAS_METADATA.version];
  if (!modelVersion)
    throw new BadasError('BAD_MODEL', `model metadata '${BADAS_METADATA.version}' is missing`);
  return {
    modelVersion,
    operatingPoint: {
      raiseAt: metaNumber(meta, BADAS_METADATA.raiseAt),
      raiseHoldS: metaNumber(meta, BADAS_METADATA.raiseHoldS),
      clearAt: metaNumber(meta, BADAS_METADATA.clearAt),
      clearHoldS: metaNumber(meta, BADAS_METADATA.clearHoldS),
    },
  };
}

/**
 * The BADAS model on the portable interpreter (runs in QuickJS). Checks at load that the model
 * takes one `[N, 16]` input and gives one `[N, 1]` output.
 *
 * @example
 * const scorer = createPortableBadasScorer(await platform.modelLoader.load('badas-v1.onnx'));
 * const p = scorer.score(window.push(frame));
 *
 * @throws BadasError `BAD_MODEL` / `UNSUPPORTED_OPERATOR`
 */
export function createPortableBadasScorer(onnxBytes: Uint8Array): BadasScorer {
  const net = new OnnxInterpreter(onnxBytes);
  const { inputs, outputs, metadata } = net.model;
  const input = inputs[0];
  const output = outputs[0];
  if (inputs.length !== 1 || outputs.length !== 1 || !input || !output)
    throw new BadasError('BAD_MODEL', 'a BADAS model has exactly one input and one output');
  if (input.dims[1] !== BADAS_FEATURE_COUNT)
    throw new BadasError(
      'BAD_MODEL',
      `model input has ${input.dims[1]} features, expected ${BADAS_FEATURE_COUNT}`,
    );
  const { modelVersion, operatingPoint } = readBadasMetadata(metadata);
  const dims = [1, BADAS_FEATURE_COUNT];
  return {
    modelVersion,
    operatingPoint,
    score(features) {
      const y = net.run({ [input.name]: { dims, data: features } })[output.name];
      return y?.data[0] ?? 0;
    },
  };
}
