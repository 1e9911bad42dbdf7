/** Fixed codes for everything that stops a walk before or while it runs. */
export const WalkerErrorCode = {
  /** The options do not validate (bad thread count, empty root, ...). */
  BAD_OPTIONS: 'PWALK_BAD_OPTIONS',
  /** The root cannot be stat'ed. */
  ROOT_NOT_FOUND: 'PWALK_ROOT_NOT_FOUND',
  /** /proc/self/fd is missing (no /proc in this chroot or container): directories are read through it. */
  NO_PROC_FD: 'PWALK_NO_PROC_FD',
  /** The output folder exists and holds something other than an empty folder. */
  OUT_NOT_EMPTY: 'PWALK_OUT_NOT_EMPTY',
  /** The output folder cannot be created or written. */
  OUT_NOT_WRITABLE: 'PWALK_OUT_NOT_WRITABLE',
  /** Writing a thread file or the manifest failed (ENOSPC, EIO, ...). */
  WRITE_FAILED: 'PWALK_WRITE_FAILED',
  /** A worker thread failed while walking. */
  WORKER_FAILED: 'PWALK_WORKER_FAILED',
  /** `resume` cannot carry this walk on (complete, another format, running, multi-host, damaged, root gone or changed); nothing was changed. */
  RESUME_REFUSED: 'PWALK_RESUME_REFUSED',
  /** The Redis server of a multi-host walk (--queue) does not answer, or no longer does. */
  QUEUE_UNREACHABLE: 'PWALK_QUEUE_UNREACHABLE',
} as const;
export type WalkerErrorCode = (typeof WalkerErrorCode)[keyof typeof WalkerErrorCode];

export class WalkerError extends Error {
  override readonly name = 'WalkerError';
  constructor(
    readonly code: WalkerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
