/**
 * Error family of the over-the-air channel's registry and rollout: every refusal the registry
 * makes carries a stable `code` (tests and the HTTP mapping switch on it, never on the message)
 * and, when an input caused it, the `field` to name in the problem document.
 */
export class OtaError extends Error {
  override readonly name = 'OtaError';
  constructor(
    readonly code:
      | 'NOT_FOUND'
      | 'ALREADY_PUBLISHED'
      | 'NOT_NEWER'
      | 'ROLLOUT_IN_PROGRESS'
      | 'NOT_ROLLING_OUT'
      | 'BAD_STAGE'
      | 'CONFLICT',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
