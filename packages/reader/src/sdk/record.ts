import type { EntryTypeName, SyscallName } from '../format/layout.js';

/**
 * One filesystem entry of a walk. Every value is exact: quantities that can pass 2^53
 * (sizes, block counts, inodes, devices) are bigint, the rest are numbers. Times are
 * given twice: `mtime`, `atime`, `ctime` as numbers (exact within ±2^53 s, past the
 * year 285 million either way; beyond, the nearest double), and `mtimeExact`,
 * `atimeExact`, `ctimeExact`, exact for every i64 the kernel reports (a number when it
 * is a safe integer, else a bigint): print and compare those.
 */
export interface WalkEntry {
  /** Path as the root argument joined with the relative path, decoded as UTF-8 (lossy when the bytes are not UTF-8). */
  readonly path: string;
  /** The exact path bytes relative to the walk root (empty for the root itself). */
  readonly relativePathBytes: Uint8Array;
  /** The exact full path bytes: root bytes, '/' (unless the root ends in one), relative bytes; the root alone for the root. */
  readonly pathBytes: Uint8Array;
  readonly type: Exclude<EntryTypeName, 'unknown'> | 'unknown';
  readonly size: bigint;
  /** Whole seconds since 1970 (negative before); exact within ±2^53, else the nearest double. */
  readonly mtime: number;
  /** The same time exactly: a number when it is a safe integer, else a bigint (so `===` compares two times). */
  readonly mtimeExact: number | bigint;
  readonly inode: bigint;
  readonly parentInode: bigint;
  /** 0 for the root, 1 for its children. */
  readonly depth: number;
  /** Null in a `--compact` walk, which does not record them. */
  readonly blocks: bigint | null;
  readonly mode: number | null;
  readonly uid: number | null;
  readonly gid: number | null;
  readonly nlink: number | null;
  readonly dev: bigint | null;
  readonly atime: number | null;
  readonly ctime: number | null;
  /** As mtimeExact; null in a `--compact` walk. */
  readonly atimeExact: number | bigint | null;
  readonly ctimeExact: number | bigint | null;
}

/** One per-entry failure recorded during a walk. */
export interface WalkEntryError {
  readonly path: string;
  readonly relativePathBytes: Uint8Array;
  readonly pathBytes: Uint8Array;
  /** What is known of the entry's type (from the directory listing), or 'unknown'. */
  readonly type: EntryTypeName;
  /** The entry's inode where known (a directory that could not be read), else 0n. */
  readonly inode: bigint;
  readonly parentInode: bigint;
  readonly depth: number;
  readonly syscall: SyscallName | 'unknown';
  /** The errno code, e.g. 'EACCES'. */
  readonly code: string;
}
