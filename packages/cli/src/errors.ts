/** A mistake in how the command was called: one line on stderr, exit 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'PWALK_USAGE';
}
