/** Stable codes of {@link PerceptionError}; tests assert these, never the message. */
export type PerceptionErrorCode =
  /** The image is not RGB bytes of the stated size, or cannot be decoded. */
  | 'BAD_IMAGE'
  /** A model's output tensor has a shape its decoder does not know. */
  | 'BAD_MODEL_OUTPUT'
  /** Detections handed in by the host (or read as JSON) do not have the contract's shape. */
  | 'BAD_DETECTIONS'
  /** Frames handed to the tracker go back in time. */
  | 'BAD_TIME'
  /** A camera or tracker setting is out of range. */
  | 'BAD_CONFIG'
  /** The detector runtime failed to load or run the model. */
  | 'MODEL_FAILED';

/** The one error family of `edge/perception/`: a stable `code` plus a human message. */
export class PerceptionError extends Error {
  override readonly name = 'PerceptionError';
  readonly code: PerceptionErrorCode;

  constructor(code: PerceptionErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
