import { closeSync, constants, fstatSync, lstatSync, openSync, type Stats } from 'node:fs';
import { ExportError, ExportErrorCode } from '../format/errors.js';
import { systemError } from './system-error.js';

/**
 * How an output file reaches its path, decided from what is there (lstat: a link is
 * never followed). The tool runs as root over folders users can write, so a path is
 * only ever replaced when it is a regular file:
 * - nothing there, or a regular file: `rename` (a temporary file beside it, renamed
 *   onto it when complete, so readers see the old content or the new, never half);
 * - a FIFO or a character device (a pipe to a mailer, /dev/null, a tty): `through`,
 *   written in place, never replaced by a regular file;
 * - anything else is refused: a symbolic link (following one a user planted would
 *   write wherever it points, and replacing it is not what was asked; `-` is stdout
 *   where a command has it), a folder, a block device (a disk), a socket.
 */
export type OutputRoute = 'rename' | 'through';

export function outputRoute(path: string): OutputRoute {
  const st = lstatOrNull(path);
  if (st === null || st.isFile()) return 'rename';
  if (st.isFIFO() || st.isCharacterDevice()) return 'through';
  throw refused(path, st);
}

/**
 * Checked again right before the rename, since the path may have changed since
 * `outputRoute`: a link swapped in is replaced itself (rename never follows it), a
 * regular file or nothing is fine, anything else is never renamed over.
 */
export function checkRenameTarget(path: string): void {
  const st = lstatOrNull(path);
  if (st === null || st.isFile() || st.isSymbolicLink()) return;
  throw refused(path, st);
}

/**
 * Opens a `through` target for writing. O_NONBLOCK: a FIFO nobody reads is refused at
 * once (ENXIO) instead of blocking the command where no signal can stop it; O_NOFOLLOW:
 * a link swapped in since `outputRoute` is refused, not followed. The node is then
 * reopened through /proc/self/fd (the same inode, whatever the path now names)
 * without O_NONBLOCK, so writes wait for a slow reader as they would on stdout.
 */
export function openThrough(path: string): number {
  let probe: number;
  try {
    probe = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENXIO') throw new ExportError(ExportErrorCode.TARGET, `${path} is a FIFO nobody is reading`, path, { cause });
    if (code === 'ELOOP') throw new ExportError(ExportErrorCode.TARGET, `${path} became a symbolic link`, path, { cause });
    throw systemError(path, 'open', cause);
  }
  try {
    const st = fstatSync(probe);
    if (!st.isFIFO() && !st.isCharacterDevice()) throw refused(path, st);
    return openSync(`/proc/self/fd/${probe}`, constants.O_WRONLY | constants.O_NOCTTY);
  } catch (cause) {
    throw cause instanceof ExportError ? cause : systemError(path, 'open', cause);
  } finally {
    closeSync(probe);
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw systemError(path, 'check', cause);
  }
}

function refused(path: string, st: Stats): ExportError {
  const what = st.isSymbolicLink()
    ? 'a symbolic link (never followed nor replaced: give the path it points to)'
    : st.isDirectory()
      ? 'a folder'
      : st.isBlockDevice()
        ? 'a block device'
        : st.isSocket()
          ? 'a socket'
          : st.isFile()
            ? 'a regular file now'
            : 'not a file';
  return new ExportError(ExportErrorCode.TARGET, `${path} is ${what}; not written`, path);
}
