/**
 * Stable codes of {@link OtaError}; tests assert these, never the message.
 *
 * - `BAD_OFFER`: the offer is not an `ArtefactOffer`, or its unsigned fields disagree with its manifest.
 * - `UNTRUSTED`: the manifest is malformed, unsigned, signed by a key the camera does not pin, or edited.
 * - `BAD_BYTES`: the downloaded bytes do not match the signed size or SHA-256 (truncated, tampered);
 *   retryable, because a truncated download is usually the network's fault, not the release's.
 * - `WRONG_KIND`: a manifest of another kind arrived on this channel.
 * - `INCOMPATIBLE`: signed for other camera models or firmware.
 * - `DOWNGRADE`: older than the last good version without a signed rollback naming it.
 * - `TOO_LARGE`: bigger than the camera accepts for that kind.
 * - `DOWNLOAD_FAILED`: the offer or the bytes could not be fetched (network, HTTP status).
 * - `READBACK_FAILED`: what was written to flash did not read back verified.
 * - `STORAGE_FAILED`: a flash write threw (full, worn, or the power going); the pointer did not move.
 * - `CONSUMER_REFUSED`: verified, but the consumer (BADAS scorer, ISP, priors) could not use it.
 * - `BAD_ENCODING`: stored text is not valid base64 / UTF-8.
 */
export type OtaErrorCode =
  | 'BAD_OFFER'
  | 'UNTRUSTED'
  | 'BAD_BYTES'
  | 'WRONG_KIND'
  | 'INCOMPATIBLE'
  | 'DOWNGRADE'
  | 'TOO_LARGE'
  | 'DOWNLOAD_FAILED'
  | 'READBACK_FAILED'
  | 'STORAGE_FAILED'
  | 'CONSUMER_REFUSED'
  | 'BAD_ENCODING';

/**
 * The one error family of `edge/ota/`. `retryable` separates what a later poll may fix (the
 * network) from what it never will (a bad signature): the updater backs off on the first and
 * remembers the second, so a poisoned offer is not downloaded again on every poll.
 */
export class OtaError extends Error {
  override readonly name = 'OtaError';

  constructor(
    readonly code: OtaErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** Whether trying the same offer again later may succeed. */
  get retryable(): boolean {
    return (
      this.code === 'DOWNLOAD_FAILED' ||
      this.code === 'BAD_BYTES' ||
      this.code === 'READBACK_FAILED' ||
      this.code === 'STORAGE_FAILED' ||
      this.code === 'BAD_ENCODING'
    );
  }
}
