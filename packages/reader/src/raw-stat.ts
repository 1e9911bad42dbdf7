/**
 * The packed stat entry the walker's native addon (packages/walker/native) writes
 * for each entry of a directory; RecordBuffer.appendRawStat encodes one as a record.
 * Every integer is little-endian; an entry is RAW_STAT_HEAD bytes then the name, and
 * the next entry follows the name directly. The C source documents the same layout;
 * the two change together, and a change bumps RAW_STAT_LAYOUT (the addon exports its
 * own number, and a walker whose numbers differ does not use the addon). It counts the
 * calling convention of scan() too: 2 added the checked (dev, inode) arguments.
 */
export const RAW_STAT_LAYOUT = 2;

/** Bytes before the name. */
export const RAW_STAT_HEAD = 80;

export const RawStatOffset = {
  /** u16: bytes of name after the head. */
  nameLength: 0,
  /** i32: errno of fstatat, 0 when it succeeded; otherwise every stat field is 0. */
  errno: 4,
  /** u64 */
  ino: 8,
  /** u64 */
  dev: 16,
  /** u64 */
  size: 24,
  /** u64, 512-byte units */
  blocks: 32,
  /** u32, file-type bits included */
  mode: 40,
  /** u32 */
  uid: 44,
  /** u32 */
  gid: 48,
  /** u32, the low 32 bits of st_nlink */
  nlink: 52,
  /** i64 whole seconds (floor) */
  atime: 56,
  /** i64 whole seconds (floor) */
  mtime: 64,
  /** i64 whole seconds (floor) */
  ctime: 72,
  /** the name's bytes */
  name: 80,
} as const;
