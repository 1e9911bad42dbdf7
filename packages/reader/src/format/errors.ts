/** Fixed codes, so scripts can branch on `err.code` rather than on message text. */
export const WalkErrorCode = {
  /** The folder does not exist, is not a folder, or holds neither a manifest nor thread files. */
  NOT_A_WALK: 'PWALK_NOT_A_WALK',
  /** The manifest cannot be decoded or does not match the schema. */
  BAD_MANIFEST: 'PWALK_BAD_MANIFEST',
  /** The file or manifest was written by a newer, unknown format version. */
  UNSUPPORTED_VERSION: 'PWALK_UNSUPPORTED_VERSION',
  /** A thread file's header is missing, short, has the wrong magic or belongs to another walk. */
  BAD_HEADER: 'PWALK_BAD_HEADER',
  /** A block's header or checksum is wrong: its records cannot be trusted. */
  CORRUPT_BLOCK: 'PWALK_CORRUPT_BLOCK',
  /** A record inside a verified block is malformed (unknown flags, length past the block). */
  CORRUPT_RECORD: 'PWALK_CORRUPT_RECORD',
  /** A thread file ends inside a block: every whole record before the cut was yielded. */
  TRUNCATED: 'PWALK_TRUNCATED',
  /** An I/O error while reading the walk. */
  IO: 'PWALK_IO',
  /** The caller's AbortSignal fired (`RecordsOptions.signal`): reading stopped, and a sort's temporary runs were removed. */
  ABORTED: 'PWALK_ABORTED',
} as const;
export type WalkErrorCode = (typeof WalkErrorCode)[keyof typeof WalkErrorCode];

export interface WalkFormatErrorDetails {
  file?: string;
  offset?: number;
  cause?: unknown;
}

/** Raised for every problem with a walk folder's contents; carries the file and byte offset. */
export class WalkFormatError extends Error {
  override readonly name = 'WalkFormatError';
  readonly code: WalkErrorCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;

  constructor(code: WalkErrorCode, message: string, details: WalkFormatErrorDetails = {}) {
    const where = details.file === undefined ? '' : ` (${details.file}${details.offset === undefined ? '' : ` at byte ${details.offset}`})`;
    super(message + where, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.file = details.file;
    this.offset = details.offset;
  }
}

/** Why an export did not produce its file. */
export const ExportErrorCode = {
  /** The target file exists and overwriting was not asked for. */
  EXISTS: 'PWALK_EXPORT_EXISTS',
  /** Creating, writing, syncing or renaming the output failed (ENOSPC, EACCES, EROFS...): `cause` is the system error. */
  WRITE: 'PWALK_EXPORT_WRITE',
  /** The target is a kind no output goes to (output-target.ts): a symbolic link, a folder, a block device, a socket, a FIFO nobody reads. */
  TARGET: 'PWALK_EXPORT_TARGET',
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

/**
 * A system error in words with its code named once: "read-only file system (EROFS)".
 * Node's message is "CODE: description, syscall 'path'"; the path is already in the
 * sentence that quotes this, and the code is what a script or a search matches on.
 */
export function systemErrorText(cause: unknown): string {
  const err = cause as NodeJS.ErrnoException;
  const description = /^[A-Z0-9]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message;
  return err.code === undefined ? description : `${description} (${err.code})`;
}
