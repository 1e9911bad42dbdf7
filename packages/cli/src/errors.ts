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

/** A purge that would act on a walk or a root it cannot trust (incomplete walk, root replaced, quarantine unsafe): one line, exit 2, nothing done. */
export class PurgeRefusedError extends Error {
  override readonly name = 'PurgeRefusedError';
  readonly code = 'PWALK_PURGE_REFUSED';
}
