/** A mistake in how the command was called: one line on stderr, exit 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'PWALK_USAGE';
}

/** A `sql` query that would do more than read the walk's views: one line on stderr, exit 2. */
export class SqlRefusedError extends Error {
  override readonly name = 'SqlRefusedError';
  readonly code = 'PWALK_SQL_REFUSED';
}
