import { BadasError } from '../badasError.ts';
import { parseOnnxModel } from '../onnxModel.ts';
import type { Mlp } from './mlp.ts';

/**
 * The network inside a BADAS `.onnx` (as `exportMlpToOnnx` writes it: Gemm w1/b1 → Relu → Gemm
 * w2/b2 → Sigmoid, standardisation folded in), back as an {@link Mlp} to fine-tune from.
 *
 * @throws BadasError `BAD_MODEL` when an initializer is missing or has the wrong size
 */
export function mlpFromOnnx(bytes: Uint8Array): Mlp {
  const model = parseOnnxModel(bytes);
  const get = (name: string) => {
    const t = model.initializers.get(name);
    if (!t) throw new BadasError('BAD_MODEL', `no initializer '${name}'`);
    return t;
  };
  const w1 = get('w1');
  const [hidden, inputs] = w1.dims;
  if (hidden === undefined || inputs === undefined) throw new BadasError('BAD_MODEL', 'w1 is not 2-D');
  const b1 = get('b1');
  const w2 = get('w2');
  const b2 = get('b2');
  if (
    w1.data.length !== hidden * inputs ||
    b1.data.length !== hidden ||
    w2.data.length !== hidden ||
    b2.data.length !== 1
  )
    throw new BadasError('BAD_MODEL', 'initializer sizes do not form an MLP');
  return {
    inputs,
    hidden,
    w1: Float64Array.from(w1.data),
    b1: Float64Array.from(b1.data),
    w2: Float64Array.from(w2.data),
    b2: b2.data[0]!,
  };
}
