import { BadasError } from './badasError.ts';
import { type FloatTensor, type OnnxModel, type OnnxNode, parseOnnxModel } from './onnxModel.ts';

/**
 * The operators the portable interpreter implements — exactly those the BADAS anticipation
 * model uses (ONNX opset 13 semantics). Anything else is refused at load, not at run time.
 */
export const PORTABLE_OPERATORS = ['Gemm', 'Relu', 'Sigmoid'] as const;

function attrInt(node: OnnxNode, name: string, def: number): number {
  return node.attributes.find((a) => a.name === name)?.i ?? def;
}

function attrFloat(node: OnnxNode, name: string, def: number): number {
  return node.attributes.find((a) => a.name === name)?.f ?? def;
}

/** Gemm (opset 13): Y = alpha·A'·B' + beta·C, C broadcast to [M, N]. */
function gemm(node: OnnxNode, a: FloatTensor, b: FloatTensor, c: FloatTensor | undefined): FloatTensor {
  const transA = attrInt(node, 'transA', 0) !== 0;
  const transB = attrInt(node, 'transB', 0) !== 0;
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  if (a.dims.length !== 2 || b.dims.length !== 2)
    throw new BadasError('BAD_INPUT', `Gemm '${node.name}' needs 2-D inputs`);
  const [m, k] = transA ? [a.dims[1]!, a.dims[0]!] : [a.dims[0]!, a.dims[1]!];
  const [kb, n] = transB ? [b.dims[1]!, b.dims[0]!] : [b.dims[0]!, b.dims[1]!];
  if (k !== kb) throw new BadasError('BAD_INPUT', `Gemm '${node.name}': inner dims ${k} and ${kb} differ`);
  // Unidirectional broadcast of C: its last dim is 1 or n, its first (if any) is 1 or m.
  let cRowStride = 0;
  let cColStride = 0;
  if (c) {
    const cd = c.dims;
    const cn = cd.length === 0 ? 1 : cd[cd.length - 1]!;
    const cm = cd.length === 2 ? cd[0]! : 1;
    if ((cn !== 1 && cn !== n) || (cm !== 1 && cm !== m) || cd.length > 2)
      throw new BadasError(
        'BAD_INPUT',
        `Gemm '${node.name}': C of dims [${cd.join(',')}] does not broadcast`,
      );
    cColStride = cn === 1 ? 0 : 1;
    cRowStride = cm === 1 ? 0 : cn;
  }
  const ad = a.data;
  const bd = b.data;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? ad[p * m + i]! : ad[i * k + p]!;
        const bv = transB ? bd[j * k + p]! : bd[p * n + j]!;
        s += av * bv;
      }
      let y = alpha * s;
      if (c) y += beta * c.data[i * cRowStride + j * cColStride]!;
      out[i * n + j] = y;
    }
  }
  return { dims: [m, n], data: out };
}

function unary(x: FloatTensor, f: (v: number) => number): FloatTensor {
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]!);
  return { dims: x.dims.slice(), data: out };
}

/** Logistic function, written so that exp never overflows for large |v|. */
function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * Runs an ONNX model made of {@link PORTABLE_OPERATORS} in plain TypeScript: the BADAS
 * runtime for cameras without WebAssembly (QuickJS). It reads the very `.onnx` bytes that
 * onnxruntime-web runs elsewhere; a parity test holds the two within 1e-5.
 *
 * @example
 * const net = new OnnxInterpreter(bytes);
 * const { probability } = net.run({ features: { dims: [1, 16], data: x } });
 *
 * @throws BadasError `BAD_MODEL` / `UNSUPPORTED_OPERATOR` at construction, `BAD_INPUT` in `run`
 */
export class OnnxInterpreter {
  readonly model: OnnxModel;

  constructor(bytes: Uint8Array) {
    this.model = parseOnnxModel(bytes);
    for (const node of this.model.nodes) {
      if (
        (node.domain !== '' && node.domain !== 'ai.onnx') ||
        !PORTABLE_OPERATORS.some((o) => o === node.opType)
      )
        throw new BadasError(
          'UNSUPPORTED_OPERATOR',
          `operator '${node.domain ? `${node.domain}.` : ''}${node.opType}' is not implemented (have ${PORTABLE_OPERATORS.join(', ')})`,
        );
    }
  }

  /** Runs the graph on the named inputs; returns every graph output by name. */
  run(feeds: Record<string, FloatTensor>): Record<string, FloatTensor> {
    const values = new Map<string, FloatTensor>(this.model.initializers);
    for (const input of this.model.inputs) {
      const t = feeds[input.name];
      if (!t) throw new BadasError('BAD_INPUT', `missing input '${input.name}'`);
      const size = t.dims.reduce((x, y) => x * y, 1);
      const fixedOk = input.dims.every((d, i) => typeof d !== 'number' || d === t.dims[i]);
      if (t.dims.length !== input.dims.length || !fixedOk || size !== t.data.length)
        throw new BadasError(
          'BAD_INPUT',
          `input '${input.name}' has dims [${t.dims.join(',')}], model wants [${input.dims.join(',')}]`,
        );
      values.set(input.name, t);
    }
    const get = (name: string | undefined, node: OnnxNode): FloatTensor | undefined => {
      if (name === undefined || name === '') return undefined;
      const v = values.get(name);
      if (!v) throw new BadasError('BAD_MODEL', `node '${node.name}' reads '${name}' before it is computed`);
      return v;
    };
    for (const node of this.model.nodes) {
      let y: FloatTensor;
      if (node.opType === 'Gemm') {
        const a = get(node.inputs[0], node);
        const b = get(node.inputs[1], node);
        if (!a || !b) throw new BadasError('BAD_MODEL', `Gemm '${node.name}' lacks A or B`);
        y = gemm(node, a, b, get(node.inputs[2], node));
      } else if (node.opType === 'Relu') {
        y = unary(get(node.inputs[0], node)!, (v) => Math.max(v, 0));
      } else {
        y = unary(get(node.inputs[0], node)!, sigmoid);
      }
      values.set(node.outputs[0]!, y);
    }
    const out: Record<string, FloatTensor> = {};
    for (const o of this.model.outputs) out[o.name] = get(o.name, this.model.nodes.at(-1)!)!;
    return out;
  }
}
