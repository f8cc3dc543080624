import { BadasError } from './badasError.ts';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** One field as read off the wire: its number, wire type and either a number or a byte slice. */
export interface ProtoField {
  field: number;
  wire: number;
  /** Varint / fixed value (varints above 2^53 lose precision; ONNX sizes never get there). */
  num: number;
  /** Payload of a length-delimited field (a view, not a copy). */
  bytes: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * The smallest protobuf reader that decodes an ONNX ModelProto: walks the fields of one
 * message. Hand-written because the camera bundle must run in QuickJS (no WebAssembly, no
 * `node:*`) and protobufjs would add generated code and `eval`-style codegen to the bundle.
 *
 * @throws BadasError `BAD_MODEL` on truncated or malformed input
 */
export function readFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= buf.length) throw new BadasError('BAD_MODEL', 'truncated varint');
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        // int64 −k is sent as 2^64 − k in ten bytes; bring it back (small negatives only).
        return i === 9 && result >= 2 ** 63 ? result - 2 ** 64 : result;
      }
      mul *= 128;
    }
    throw new BadasError('BAD_MODEL', 'varint longer than 10 bytes');
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === WIRE_VARINT) {
      out.push({ field, wire, num: varint(), bytes: EMPTY });
    } else if (wire === WIRE_LEN) {
      const len = varint();
      if (pos + len > buf.length) throw new BadasError('BAD_MODEL', 'length-delimited field past the end');
      out.push({ field, wire, num: len, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wire === WIRE_FIXED32 || wire === WIRE_FIXED64) {
      const len = wire === WIRE_FIXED32 ? 4 : 8;
      if (pos + len > buf.length) throw new BadasError('BAD_MODEL', 'fixed field past the end');
      out.push({ field, wire, num: 0, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else {
      throw new BadasError('BAD_MODEL', `unsupported wire type ${wire} at byte ${pos}`);
    }
  }
  return out;
}

/** Decodes the varints of a packed repeated field. */
export function readPackedVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  // A packed payload is a run of bare varints: read it as fields of a fake message would not
  // work (no keys), so decode in place.
  let pos = 0;
  while (pos < bytes.length) {
    let result = 0;
    let mul = 1;
    let i = 0;
    for (; ; i++) {
      if (pos >= bytes.length || i >= 10) throw new BadasError('BAD_MODEL', 'truncated packed varint');
      const b = bytes[pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
    }
    out.push(i === 9 && result >= 2 ** 63 ? result - 2 ** 64 : result);
  }
  return out;
}

/** Little-endian float32 values (packed `float_data`, `raw_data` of a FLOAT tensor). */
export function readFloat32s(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new BadasError('BAD_MODEL', 'float data not a multiple of 4 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * UTF-8 to string without TextDecoder (QuickJS has none). Invalid sequences become U+FFFD.
 */
export function readUtf8(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i++]!;
    let cp: number;
    if (b < 0x80) cp = b;
    else if (b >= 0xc0 && b < 0xe0 && i < bytes.length) cp = ((b & 0x1f) << 6) | (bytes[i++]! & 0x3f);
    else if (b >= 0xe0 && b < 0xf0 && i + 1 < bytes.length) {
      cp = ((b & 0x0f) << 12) | ((bytes[i]! & 0x3f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
    } else if (b >= 0xf0 && i + 2 < bytes.length) {
      cp =
        ((b & 0x07) << 18) |
        ((bytes[i]! & 0x3f) << 12) |
        ((bytes[i + 1]! & 0x3f) << 6) |
        (bytes[i + 2]! & 0x3f);
      i += 3;
    } else cp = 0xfffd;
    s += String.fromCodePoint(cp);
  }
  return s;
}
