// The on-disk layout of a walk folder. FORMAT.md beside package.json is the prose
// version of this file; change both together and bump FORMAT_VERSION on any
// change an older reader could misread.

/** The version this package writes: format 2 (framed, compact records). */
export const FORMAT_VERSION = 2;
/** The oldest version this package still reads. */
export const OLDEST_FORMAT_VERSION = 1;

/** First 8 bytes of every thread file: "PWALKTS" then a NUL. */
export const FILE_MAGIC = Uint8Array.of(0x50, 0x57, 0x41, 0x4c, 0x4b, 0x54, 0x53, 0x00);
export const FILE_HEADER_SIZE = 64;
export const FileHeaderOffset = {
  magic: 0,
  version: 8,
  headerSize: 10,
  layoutFlags: 12,
  walkId: 16,
  thread: 32,
  blockCapacity: 36,
} as const;
export const WALK_ID_SIZE = 16;

/** Layout flag: records carry the attribute extension (not `--compact`). */
export const LAYOUT_FULL_ATTRS = 0x1;

/** "PBLK" read as a little-endian u32. */
export const BLOCK_MAGIC = 0x4b4c4250;
export const BLOCK_HEADER_SIZE = 16;
export const BlockHeaderOffset = {
  magic: 0,
  payloadLength: 4,
  recordCount: 8,
  crc32: 12,
} as const;
/** Default capacity of one block, header included: what a worker buffers before a write. */
export const DEFAULT_BLOCK_CAPACITY = 1 << 20;
/**
 * The most bytes a format-2 block's paths may join to (every record's relative path
 * and every directory header's path, FORMAT.md 7.3): this many per payload byte, plus
 * JOINED_PATH_FLOOR. A reader refuses a block past it; the writer (FrameBuffer) ends a
 * block before it, so a walk of a legitimately deep tree is never refused. A reader joins them when asked (find and cat print every path; a
 * header's path is kept whole for its entries), so without a bound a forged 1 MiB
 * block of 11-byte entries under one 60 KB path, or of sibling headers under it, cost
 * 5 GB and a minute. Measured (bench/RESULTS.md): at most 2.4 per payload byte on
 * /usr, 3.9 on the bench corpus (its 300-deep chain past PATH_MAX included); a
 * legitimate full block passes 128 only when its paths average over ~4 KB (PATH_MAX)
 * across small records. The costliest block under the bound: find 1-2 s, 350 MB.
 */
export const JOINED_PATH_PER_BYTE = 128;
/** What any block may join to: 15 times the largest block of the corpus (4.1 MB), and every deep tree of the tests. */
export const JOINED_PATH_FLOOR = 64 << 20;

/*
 * Format 2's items (FORMAT.md section 7): each starts with one tag byte, type in bits
 * 0-2, kind in bits 3-4, MARK in bit 5, NEW_DIR in bit 6, bit 7 reserved.
 */
export const ItemTag = {
  TYPE_MASK: 0x07,
  KIND_SHIFT: 3,
  KIND_MASK: 0x18,
  /** An entry: the directory was stacked to be read (DESCENDED); an error: its directory's own read failed (OWN_READ). */
  MARK: 0x20,
  /** A directory header (its path front-coded, its inode) follows the tag. */
  NEW_DIR: 0x40,
  RESERVED: 0x80,
} as const;
export const ItemKind = {
  entry: 1,
  error: 2,
  /** The directory of the current header is read: every one of its records is before this. */
  end: 3,
} as const;
/** The "same as the previous entry record of the block" bits of a format-2 full-attribute entry. */
export const SameAttr = {
  uid: 0x01,
  gid: 0x02,
  mode: 0x04,
  dev: 0x08,
} as const;
export const KNOWN_SAME_ATTRS = 0x0f;

export const RECORD_FIXED_SIZE = 28;
export const RecordOffset = {
  inode: 0,
  parentInode: 8,
  size: 16,
  mtime: 20,
  pathLength: 24,
  type: 26,
  flags: 27,
} as const;

/** Record flags (byte 27). Extensions follow the fixed part in this bit order. */
export const RecordFlag = {
  /** A u32 path length follows; the u16 field holds 0xFFFF. */
  PATH32: 0x01,
  /** A u64 size follows; the u32 field holds 0xFFFFFFFF. */
  SIZE64: 0x02,
  /** An i64 mtime follows; the u32 field holds 0. */
  MTIME64: 0x04,
  /** The 48-byte attribute extension follows. */
  ATTRS: 0x08,
  /** The record is an error record: the error extension follows. */
  ERROR: 0x10,
} as const;
export const KNOWN_RECORD_FLAGS = 0x1f;

export const U16_SENTINEL = 0xffff;
export const U32_SENTINEL = 0xffffffff;

export const ATTRS_SIZE = 48;
export const AttrsOffset = {
  uid: 0,
  gid: 4,
  mode: 8,
  nlink: 12,
  blocks: 16,
  dev: 24,
  atime: 32,
  ctime: 40,
} as const;

/** Largest record header (fixed part plus every extension) before the error code and path. */
export const MAX_RECORD_HEAD = RECORD_FIXED_SIZE + 4 + 8 + 8 + ATTRS_SIZE + 2;
export const MAX_ERROR_CODE_LENGTH = 255;

export const EntryType = {
  unknown: 0,
  file: 1,
  dir: 2,
  symlink: 3,
  fifo: 4,
  socket: 5,
  char: 6,
  block: 7,
} as const;
export type EntryTypeName = keyof typeof EntryType;
export const ENTRY_TYPE_NAMES: readonly EntryTypeName[] = ['unknown', 'file', 'dir', 'symlink', 'fifo', 'socket', 'char', 'block'];

/** The call that failed, in an error record. */
export const Syscall = {
  lstat: 1,
  scandir: 2,
  open: 3,
} as const;
export type SyscallName = keyof typeof Syscall;
export const SYSCALL_NAMES: readonly (SyscallName | 'unknown')[] = ['unknown', 'lstat', 'scandir', 'open'];

/** S_IFMT bits of st_mode mapped to entry types. */
export function entryTypeFromMode(mode: number): number {
  switch (mode & 0o170000) {
    case 0o100000:
      return EntryType.file;
    case 0o040000:
      return EntryType.dir;
    case 0o120000:
      return EntryType.symlink;
    case 0o010000:
      return EntryType.fifo;
    case 0o140000:
      return EntryType.socket;
    case 0o020000:
      return EntryType.char;
    case 0o060000:
      return EntryType.block;
    default:
      return EntryType.unknown;
  }
}

export const MANIFEST_FILE = 'manifest.msgpack';
export const THREAD_FILE_PATTERN = /^thread_[A-Za-z0-9._-]+\.bin$/;
export function threadFileName(thread: number | string): string {
  return `thread_${thread}.bin`;
}
