/** Documented in README.md ("Exit codes"); scripts branch on these. */
export const ExitCode = {
  /** The command did all it was asked, with no error. */
  OK: 0,
  /** Finished, but some entries could not be read (walk), or the walk read is incomplete or damaged (info, cat). */
  ENTRY_ERRORS: 1,
  /** Usage error or fatal error: nothing usable, or the walk failed (disk full, worker crash). */
  FATAL: 2,
  /** Interrupted by SIGINT (128 + 2) or SIGTERM (128 + 15): the walk folder holds what was walked, marked interrupted. */
  SIGINT: 130,
  SIGTERM: 143,
} as const;
