/** Why an export did not produce its file. */
export const ExportErrorCode = {
  /** The target file exists and overwriting was not asked for. */
  EXISTS: 'PWALK_EXPORT_EXISTS',
  /** Creating, writing, syncing or renaming the output failed (ENOSPC, EACCES, EROFS...): `cause` is the system error. */
  WRITE: 'PWALK_EXPORT_WRITE',
  /** The caller's AbortSignal fired. */
  ABORTED: 'PWALK_EXPORT_ABORTED',
  /** A record holds a value its column cannot (a size past 2^63 - 1: only a damaged or forged walk has one). */
  VALUE_RANGE: 'PWALK_EXPORT_VALUE_RANGE',
} as const;
export type ExportErrorCode = (typeof ExportErrorCode)[keyof typeof ExportErrorCode];

/**
 * An export that failed. The target file is then untouched: the export writes a
 * temporary file beside it and renames it into place only when it is complete.
 */
export class ExportError extends Error {
  override readonly name = 'ExportError';

  constructor(
    readonly code: ExportErrorCode,
    message: string,
    readonly file: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
