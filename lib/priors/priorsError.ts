/** Stable codes of {@link PriorsError}; tests assert these, never the message. */
export type PriorsErrorCode =
  /** Tile bytes that are not a conflict-prior tile this decoder understands (magic, version, length, ranges). */
  | 'BAD_TILE'
  /** Builder input that cannot make a tile (not an H3 cell, a resolution out of range, a bad period). */
  | 'BAD_INPUT';

/** The one error family of conflict priors (cloud builder, tile codec, camera lookup). */
export class PriorsError extends Error {
  override readonly name = 'PriorsError';
  readonly code: PriorsErrorCode;

  constructor(code: PriorsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
