import { constants, existsSync, fstat, fstatSync, closeSync, open, openSync, type BigIntStats } from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { DirectoryItem } from './directory-item.js';
import { WalkerError, WalkerErrorCode } from './errors.js';

/**
 * How a directory is opened: never through a symlink at its last component (a user
 * who can write in the tree could swap the directory for a link between its stat and
 * its open, and make a root walk read any folder). O_CLOEXEC is added by Node.
 */
const O_DIR = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** Opening a long path goes this many bytes of components at a time. */
const OPEN_CHUNK_BYTES = 2048;

const FSTAT_BIGINT = { bigint: true } as const;

const FD_DIR = '/proc/self/fd';

/** The path that reads a directory through its open descriptor: the kernel resolves it to that descriptor, never by name again. */
export function fdPath(fd: number): string {
  return `${FD_DIR}/${fd}`;
}

/** Refuses to start a walk without /proc/self/fd: every directory would become an error record. */
export function checkFdPaths(): void {
  if (!existsSync(FD_DIR)) {
    throw new WalkerError(WalkerErrorCode.NO_PROC_FD, 'cannot walk without /proc/self/fd (mount /proc): directories are read through their descriptors');
  }
}

/**
 * The error for a directory whose name now opens another directory than the one
 * stat'ed (it, or an ancestor, was replaced meanwhile): ESTALE, an entry error, so
 * it becomes the directory's error record (FORMAT.md 3.5).
 */
function replacedError(path: string | Buffer): NodeJS.ErrnoException {
  const shown = path.toString();
  return Object.assign(new Error(`ESTALE: ${shown} is no longer the directory that was stat'ed`), {
    errno: -osConstants.errno.ESTALE,
    code: 'ESTALE',
    syscall: 'open',
    path: shown,
  });
}

/** True when the open descriptor is the entry `dir` was stat'ed as (same device and inode). */
function isSameDirectory(st: BigIntStats, dir: DirectoryItem): boolean {
  // Loose equality: the item's numbers are bigints or exact numbers.
  return st.ino == dir.ino && st.dev == dir.dev;
}

/** Throws (closing `fd`) when `fd` is not the directory `dir` was stat'ed as. */
function checkOpened(fd: number, dir: DirectoryItem, path: string | Buffer): void {
  let same: boolean;
  try {
    same = isSameDirectory(fstatSync(fd, FSTAT_BIGINT), dir);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (!same) {
    closeSync(fd);
    throw replacedError(path);
  }
}

/** Opens `path` as the directory `dir` was stat'ed as, or throws (ENOTDIR for a symlink in its place, ESTALE for another directory). */
export function openCheckedSync(path: string | Buffer, dir: DirectoryItem): number {
  const fd = openSync(path, O_DIR);
  checkOpened(fd, dir, path);
  return fd;
}

/** openCheckedSync on libuv's pool: two calls, open then fstat. */
export function openChecked(path: string, dir: DirectoryItem, done: (err: NodeJS.ErrnoException | null, fd: number) => void): void {
  open(path, O_DIR, (err, fd) => {
    if (err !== null) {
      done(err, -1);
      return;
    }
    fstat(fd, FSTAT_BIGINT, (statErr, st) => {
      if (statErr === null && isSameDirectory(st, dir)) {
        done(null, fd);
        return;
      }
      closeSync(fd);
      done(statErr ?? replacedError(path), -1);
    });
  });
}

/**
 * Opens base+rel as the directory `dir` was stat'ed as, without handing the kernel a
 * path longer than OPEN_CHUNK_BYTES at once: chunk by chunk through /proc/self/fd
 * (Node has no openat), then checked as openCheckedSync does.
 */
export function openLongChecked(base: Buffer, rel: Buffer, dir: DirectoryItem): number {
  let fd = -1;
  let start = 0;
  let first = true;
  while (start < rel.length) {
    let end = Math.min(rel.length, start + OPEN_CHUNK_BYTES);
    if (end < rel.length) {
      const slash = rel.lastIndexOf(0x2f, end);
      if (slash <= start) throw Object.assign(new Error('path component longer than a chunk'), { code: 'ENAMETOOLONG' });
      end = slash;
    }
    const chunk = rel.subarray(start, end);
    const path = first ? Buffer.concat([base, chunk]) : Buffer.concat([Buffer.from(`${fdPath(fd)}/`), chunk]);
    let next: number;
    try {
      next = openSync(path, O_DIR);
    } finally {
      if (fd !== -1) closeSync(fd);
    }
    fd = next;
    first = false;
    start = end + 1;
  }
  checkOpened(fd, dir, Buffer.concat([base, rel]));
  return fd;
}
