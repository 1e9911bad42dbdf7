import { readSeconds, readU64, type FieldsWriter } from '@pwalk-ts/reader/format';

/**
 * The packed stat entry the walker's native addon (native/pwalk_native.c) writes
 * for each entry of a directory; appendRawStat encodes one as a record. The layout
 * is the walker's and its addon's alone: the reader's format knows only records.
 * Every integer is little-endian; an entry is RAW_STAT_HEAD bytes then the name, and
 * the next entry follows the name directly. The C source documents the same layout;
 * the two change together, and a change bumps RAW_STAT_LAYOUT (the addon exports its
 * own number, and a walker whose numbers differ does not use the addon). It counts the
 * calling convention of scan() too: 2 added the checked (dev, inode) arguments, 3 listAsync and statAsync.
 */
export const RAW_STAT_LAYOUT = 3;

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

/**
 * Appends an entry from the packed stat entry at `offset` of `raw`; `view` is a
 * DataView over the same bytes as `raw`. The entry's name is its own bytes there. The
 * caller has checked that the entry's errno is 0. Perf: no BigInt and no subarray for
 * values and names that do not need one.
 */
export function appendRawStat(
  out: FieldsWriter,
  raw: Uint8Array,
  view: DataView,
  offset: number,
  type: number,
  parentIno: number | bigint,
  prefix: Uint8Array,
): void {
  const name = offset + RAW_STAT_HEAD;
  out.appendFields(
    prefix,
    raw,
    name,
    name + view.getUint16(offset + RawStatOffset.nameLength, true),
    readU64(view, offset + RawStatOffset.ino),
    parentIno,
    type,
    readU64(view, offset + RawStatOffset.size),
    readSeconds(view, offset + RawStatOffset.mtime),
    view.getUint32(offset + RawStatOffset.uid, true),
    view.getUint32(offset + RawStatOffset.gid, true),
    view.getUint32(offset + RawStatOffset.mode, true),
    view.getUint32(offset + RawStatOffset.nlink, true),
    readU64(view, offset + RawStatOffset.blocks),
    readU64(view, offset + RawStatOffset.dev),
    readSeconds(view, offset + RawStatOffset.atime),
    readSeconds(view, offset + RawStatOffset.ctime),
  );
}
