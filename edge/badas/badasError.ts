/** Stable codes of {@link BadasError}; tests assert these, never the message. */
export type BadasErrorCode =
  /** The `.onnx` bytes are not a protobuf ModelProto this reader understands. */
  | 'BAD_MODEL'
  /** The model uses an operator or attribute the portable interpreter does not implement. */
  | 'UNSUPPORTED_OPERATOR'
  /** An input tensor does not have the shape the model declares. */
  | 'BAD_INPUT'
  /** The `edge badas` CSV is malformed (header, a non-number, a missing column). */
  | 'BAD_CSV'
  /** A kinematics frame is malformed (time going backwards, negative gap, non-finite speed). */
  | 'BAD_FRAME';

/** The one error family of `edge/badas/`: a stable `code` plus a human message. */
export class BadasError extends Error {
  override readonly name = 'BadasError';
  readonly code: BadasErrorCode;

  constructor(code: BadasErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
