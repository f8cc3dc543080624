import { BadasError } from './badasError.ts';
import {
  type ProtoField,
  readFields,
  readFloat32s,
  readPackedVarints,
  readUtf8,
  WIRE_FIXED32,
  WIRE_LEN,
  WIRE_VARINT,
} from './protobufReader.ts';

/** A float tensor: row-major data and its dimensions. */
export interface FloatTensor {
  dims: number[];
  data: Float32Array;
}

/** One attribute of a node, as far as the supported operators need: ints and floats. */
export interface OnnxAttribute {
  name: string;
  /** AttributeProto.type (1 FLOAT, 2 INT, …). */
  type: number;
  f?: number;
  i?: number;
}

/** One operator call of the graph. */
export interface OnnxNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

/** A graph input or output: its name and its dimensions (a string for a symbolic one). */
export interface OnnxValueInfo {
  name: string;
  dims: (number | string)[];
}

/** What the interpreter needs of a ModelProto (onnx/onnx.proto, IR version 7+). */
export interface OnnxModel {
  irVersion: number;
  producerName: string;
  /** Default-domain opset version. */
  opsetVersion: number;
  /** `metadata_props`, where the trainer writes the model version and feature names. */
  metadata: Record<string, string>;
  nodes: OnnxNode[];
  initializers: Map<string, FloatTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

/** TensorProto.DataType.FLOAT: the only element type this reader loads. */
const FLOAT = 1;

function str(f: ProtoField): string {
  return readUtf8(f.bytes);
}

function parseTensor(bytes: Uint8Array): { name: string; tensor: FloatTensor } {
  let name = '';
  let dataType = 0;
  const dims: number[] = [];
  const floats: number[] = [];
  let raw: Float32Array | undefined;
  for (const f of readFields(bytes)) {
    if (f.field === 1) {
      if (f.wire === WIRE_LEN) dims.push(...readPackedVarints(f.bytes));
      else dims.push(f.num);
    } else if (f.field === 2) dataType = f.num;
    else if (f.field === 4) {
      if (f.wire === WIRE_LEN) floats.push(...readFloat32s(f.bytes));
      else if (f.wire === WIRE_FIXED32) floats.push(readFloat32s(f.bytes)[0]!);
    } else if (f.field === 8) name = str(f);
    else if (f.field === 9) raw = readFloat32s(f.bytes);
    else if (f.field === 13 || f.field === 14)
      throw new BadasError('BAD_MODEL', `tensor '${name}' uses external data, which is not supported`);
  }
  if (dataType !== FLOAT)
    throw new BadasError('BAD_MODEL', `tensor '${name}' is not FLOAT (type ${dataType})`);
  const data = raw ?? Float32Array.from(floats);
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size)
    throw new BadasError(
      'BAD_MODEL',
      `tensor '${name}' has ${data.length} values for dims [${dims.join(',')}]`,
    );
  return { name, tensor: { dims, data } };
}

function parseAttribute(bytes: Uint8Array): OnnxAttribute {
  const a: OnnxAttribute = { name: '', type: 0 };
  for (const f of readFields(bytes)) {
    if (f.field === 1) a.name = str(f);
    else if (f.field === 2 && f.wire === WIRE_FIXED32) a.f = readFloat32s(f.bytes)[0]!;
    else if (f.field === 3 && f.wire === WIRE_VARINT) a.i = f.num;
    else if (f.field === 20) a.type = f.num;
  }
  return a;
}

function parseNode(bytes: Uint8Array): OnnxNode {
  const n: OnnxNode = { opType: '', domain: '', name: '', inputs: [], outputs: [], attributes: [] };
  for (const f of readFields(bytes)) {
    if (f.field === 1) n.inputs.push(str(f));
    else if (f.field === 2) n.outputs.push(str(f));
    else if (f.field === 3) n.name = str(f);
    else if (f.field === 4) n.opType = str(f);
    else if (f.field === 5) n.attributes.push(parseAttribute(f.bytes));
    else if (f.field === 7) n.domain = str(f);
  }
  return n;
}

function parseValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const v: OnnxValueInfo = { name: '', dims: [] };
  for (const f of readFields(bytes)) {
    if (f.field === 1) v.name = str(f);
    else if (f.field === 2) {
      // TypeProto.tensor_type(1) → Tensor.shape(2) → TensorShapeProto.dim(1) → value(1)|param(2)
      for (const t of readFields(f.bytes)) {
        if (t.field !== 1) continue;
        for (const s of readFields(t.bytes)) {
          if (s.field !== 2) continue;
          for (const d of readFields(s.bytes)) {
            if (d.field !== 1) continue;
            let dim: number | string = '?';
            for (const x of readFields(d.bytes)) {
              if (x.field === 1) dim = x.num;
              else if (x.field === 2) dim = str(x);
            }
            v.dims.push(dim);
          }
        }
      }
    }
  }
  return v;
}

/**
 * Reads an ONNX ModelProto: graph nodes, FLOAT initializers, inputs, outputs, opset and
 * metadata. Only what a small feed-forward model needs; anything else is skipped, and a
 * feature that would change results (external data, non-float weights) is refused.
 *
 * @throws BadasError `BAD_MODEL`
 */
export function parseOnnxModel(bytes: Uint8Array): OnnxModel {
  const model: OnnxModel = {
    irVersion: 0,
    producerName: '',
    opsetVersion: 0,
    metadata: {},
    nodes: [],
    initializers: new Map(),
    inputs: [],
    outputs: [],
  };
  let sawGraph = false;
  for (const f of readFields(bytes)) {
    if (f.field === 1 && f.wire === WIRE_VARINT) model.irVersion = f.num;
    else if (f.field === 2 && f.wire === WIRE_LEN) model.producerName = str(f);
    else if (f.field === 8 && f.wire === WIRE_LEN) {
      let domain = '';
      let version = 0;
      for (const o of readFields(f.bytes)) {
        if (o.field === 1) domain = str(o);
        else if (o.field === 2) version = o.num;
      }
      if (domain === '' || domain === 'ai.onnx') model.opsetVersion = version;
    } else if (f.field === 14 && f.wire === WIRE_LEN) {
      let key = '';
      let value = '';
      for (const kv of readFields(f.bytes)) {
        if (kv.field === 1) key = str(kv);
        else if (kv.field === 2) value = str(kv);
      }
      model.metadata[key] = value;
    } else if (f.field === 7 && f.wire === WIRE_LEN) {
      sawGraph = true;
      for (const g of readFields(f.bytes)) {
        if (g.field === 1) model.nodes.push(parseNode(g.bytes));
        else if (g.field === 5) {
          const { name, tensor } = parseTensor(g.bytes);
          model.initializers.set(name, tensor);
        } else if (g.field === 11) model.inputs.push(parseValueInfo(g.bytes));
        else if (g.field === 12) model.outputs.push(parseValueInfo(g.bytes));
      }
    }
  }
  if (!sawGraph || model.nodes.length === 0) throw new BadasError('BAD_MODEL', 'no graph in the model');
  // Initializers may also be listed as graph inputs (IR < 4 style); they are not fed.
  model.inputs = model.inputs.filter((i) => !model.initializers.has(i.name));
  return model;
}
