/*
 * The browse index file (a cache, never an interchange format; FORMAT bumps on any change):
 *
 *   MAGIC, u32 FORMAT
 *   child records   every entry but the root, one directory's children one after another
 *                   in runs (a thread file holds a directory's entries together)
 *   directory table one record per directory: its key, totals and the runs of its children
 *   problems        u32 length, JSON [{code, message}]: what reading the walk met
 *   footer          f64 table offset, f64 problems offset, u32 directory count, MAGIC
 *
 * Little-endian. Byte amounts are u64; offsets and counts f64 (exact below 2^53).
 */

export const MAGIC = Buffer.from('PWBROWSE', 'latin1');
export const FORMAT = 1;
export const HEADER_BYTES = MAGIC.length + 4;
export const FOOTER_BYTES = 8 + 8 + 4 + MAGIC.length;

/** A child record's fixed part; its name bytes follow. */
export const CHILD = {
  type: 0, // u8: ENTRY_TYPE_NAMES index
  flags: 1, // u8: COMPACT_FLAG
  nameLength: 2, // u16 (NAME_MAX is 255)
  mode: 4, // u32
  uid: 8, // u32
  gid: 12, // u32
  nlink: 16, // u32
  mtime: 20, // f64 whole seconds
  atime: 28, // f64
  ctime: 36, // f64
  size: 44, // u64
  allocated: 52, // u64
  inode: 60, // u64
  dev: 68, // u64
  bytes: 76,
} as const;

/** The entry came from a --compact walk: mode, owners, nlink, atime, ctime, dev and blocks are absent. */
export const COMPACT_FLAG = 1;
/** A file with more than one link (hard-links.ts's hardLinkId). */
export const LINK_FLAG = 2;
/** The link that the totals count (hard-links.ts: the smallest path); set once the whole walk was read. */
export const COUNTED_FLAG = 4;

/** A directory record: u32 key length, key bytes, then these, then `runs` x RUN. */
export const DIRECTORY = {
  entries: 0, // f64
  files: 8, // f64
  dirs: 16, // f64
  apparent: 24, // u64
  allocated: 32, // u64
  newestMtime: 40, // f64 (-Infinity when nothing was read)
  hasAllocated: 48, // u8
  runs: 49, // u32
  bytes: 53,
} as const;

/** One run of a directory's children: f64 offset, f64 byte length, f64 count. */
export const RUN_BYTES = 24;
