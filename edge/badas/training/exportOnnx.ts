import onnxProto from 'onnx-proto';
import { BADAS_FEATURE_COUNT } from '../features.ts';
import type { Mlp } from './mlp.ts';

const { onnx } = onnxProto;

/** Graph input and output names of the BADAS model. */
export const BADAS_INPUT = 'features';
export const BADAS_OUTPUT = 'probability';
/** Opset the graph declares (Gemm/Relu/Sigmoid as of opset 13). */
export const BADAS_OPSET = 13;
/** Operators the exported graph uses: the portable interpreter implements exactly these. */
export const BADAS_OPERATORS = ['Gemm', 'Relu', 'Sigmoid'] as const;

function floatTensor(name: string, dims: number[], values: ArrayLike<number>) {
  const data = Float32Array.from(values as ArrayLike<number>);
  return {
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/**
 * Writes the MLP as an ONNX ModelProto: Gemm(transB) → Relu → Gemm(transB) → Sigmoid over an
 * `[N, 16]` float input, metadata carrying version and operating point. Node-only (training).
 */
export function exportMlpToOnnx(m: Mlp, metadata: Record<string, string>): Uint8Array {
  if (m.inputs !== BADAS_FEATURE_COUNT)
    throw new Error(`MLP has ${m.inputs} inputs, expected ${BADAS_FEATURE_COUNT}`);
  const transB = { name: 'transB', i: 1, type: onnx.AttributeProto.AttributeType.INT };
  const tensorType = (dims: (number | string)[]) => ({
    tensorType: {
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'dashnet-badas-trainer',
    producerVersion: '1',
    opsetImport: [{ domain: '', version: BADAS_OPSET }],
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'badas_anticipation',
      node: [
        {
          opType: 'Gemm',
          name: 'hidden',
          input: [BADAS_INPUT, 'w1', 'b1'],
          output: ['h_pre'],
          attribute: [transB],
        },
        { opType: 'Relu', name: 'relu', input: ['h_pre'], output: ['h'] },
        { opType: 'Gemm', name: 'logit', input: ['h', 'w2', 'b2'], output: ['z'], attribute: [transB] },
        { opType: 'Sigmoid', name: 'sigmoid', input: ['z'], output: [BADAS_OUTPUT] },
      ],
      initializer: [
        floatTensor('w1', [m.hidden, m.inputs], m.w1),
        floatTensor('b1', [m.hidden], m.b1),
        floatTensor('w2', [1, m.hidden], m.w2),
        floatTensor('b2', [1], [m.b2]),
      ],
      input: [{ name: BADAS_INPUT, type: tensorType(['N', m.inputs]) }],
      output: [{ name: BADAS_OUTPUT, type: tensorType(['N', 1]) }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
