import { ExportError, ExportErrorCode, systemErrorText } from '../format/errors.js';

/** A failed system call on an output file as an ExportError (WRITE). */
export function systemError(file: string, what: string, cause: unknown): ExportError {
  return new ExportError(ExportErrorCode.WRITE, `cannot ${what} ${file}: ${systemErrorText(cause)}`, file, { cause });
}
