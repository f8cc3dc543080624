/** Stable codes of {@link EdgeError}; tests assert these, never the message. */
export type EdgeErrorCode =
  | 'BAD_CSV'
  | 'BAD_TIME'
  | 'BAD_ARGUMENT'
  | 'STORAGE_CORRUPT'
  | 'TRANSPORT_FAILED'
  | 'BUNDLE_FAILED';

/** The one error family of `edge/`: a stable `code` plus a human message. */
export class EdgeError extends Error {
  override readonly name = 'EdgeError';
  readonly code: EdgeErrorCode;

  constructor(code: EdgeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
