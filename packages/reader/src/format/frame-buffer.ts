import { crc32 } from 'node:zlib';
import {
  BLOCK_HEADER_SIZE,
  BLOCK_MAGIC,
  BlockHeaderOffset,
  DEFAULT_BLOCK_CAPACITY,
  ItemKind,
  ItemTag,
  JOINED_PATH_FLOOR,
  JOINED_PATH_PER_BYTE,
  MAX_ERROR_CODE_LENGTH,
  SameAttr,
} from './layout.js';
import { appendStats, SHORT_COPY, type BlockSink, type FieldsWriter, type RecordBuffer } from './record-buffer.js';
import { exactDifference, MAX_VARINT_BYTES, writeVarint, writeZigzag } from './varint.js';

const EMPTY = new Uint8Array(0);
const SLASH = 0x2f;
/** Worst case of an item's tag, its fields and a directory header's two lengths and inode, before any path or name bytes. */
const MAX_ITEM_HEAD = 4 + 16 * MAX_VARINT_BYTES;

/**
 * Packs format-2 items (FORMAT.md section 7) into one preallocated block buffer and
 * hands full blocks to a sink: records name their entry under the directory of the
 * last directory header, integers are varints, and the attributes repeat nothing the
 * previous entry of the block said. Every block starts afresh (no header, no previous
 * entry), so each one decodes alone and a damaged block costs only its own records.
 *
 * Perf: one buffer for the writer's lifetime, one worst-case bounds check per item;
 * a directory's header is written once for all its entries (the scanner passes the
 * same prefix object for every entry of a directory, so "same directory" is an
 * identity test), and a name is written straight into place.
 */
export class FrameBuffer implements FieldsWriter {
  readonly fullAttrs: boolean;
  private buf: Buffer;
  private pos = BLOCK_HEADER_SIZE;
  private count = 0;
  private readonly sink: BlockSink;
  /** Where the last item's tag is, for markDescended / markOwnRead. */
  private lastTag = -1;
  /** The prefix object and parent inode of the current directory header; null when the block has none yet. */
  private dirPrefix: Uint8Array | null = null;
  private dirIno: number | bigint = 0;
  /** The current header's directory path (no trailing '/'): what the next header is front-coded against. */
  private dirPath: Uint8Array = EMPTY;
  /** The previous entry's uid, gid, mode and dev in this block (-1: none yet). */
  private uid = -1;
  private gid = -1;
  private mode = -1;
  private dev: number | bigint = -1;
  /** What this block's items may join to beyond its names (joinWithin). */
  private joined = 0;

  constructor(sink: BlockSink, options: { capacity?: number; fullAttrs?: boolean } = {}) {
    this.sink = sink;
    this.fullAttrs = options.fullAttrs ?? true;
    this.buf = Buffer.allocUnsafe(options.capacity ?? DEFAULT_BLOCK_CAPACITY);
  }

  get recordCount(): number {
    return this.count;
  }

  /** Appends an entry from BigIntStats (see RecordBuffer.appendBigStats for why bigint stats). */
  readonly appendBigStats: RecordBuffer['appendBigStats'] = (st, type, parentIno, prefix, name, times = null) =>
    appendStats(this, st, type, parentIno, prefix, name, times);

  /** The one entry encoder, with RecordBuffer.appendFields' arguments; the attributes are ignored in a compact layout. */
  readonly appendFields: FieldsWriter['appendFields'] = (
    prefix,
    name,
    nameFrom,
    nameTo,
    ino,
    parentIno,
    type,
    size,
    mtime,
    uid,
    gid,
    mode,
    nlink,
    blocks,
    dev,
    atime,
    ctime,
  ) => {
    let off = this.begin(ItemKind.entry, type, prefix, name, nameFrom, nameTo, parentIno, 0);
    const buf = this.buf;
    off = writeVarint(buf, off, ino);
    off = writeVarint(buf, off, size);
    off = writeZigzag(buf, off, mtime);
    if (this.fullAttrs) {
      const sameAt = off++;
      let same = 0;
      if (uid === this.uid) same |= SameAttr.uid;
      else off = writeVarint(buf, off, (this.uid = uid));
      if (gid === this.gid) same |= SameAttr.gid;
      else off = writeVarint(buf, off, (this.gid = gid));
      if (mode === this.mode) same |= SameAttr.mode;
      else off = writeVarint(buf, off, (this.mode = mode));
      // Loose equality: one side may be a bigint.
      if (dev == this.dev) same |= SameAttr.dev;
      else off = writeVarint(buf, off, (this.dev = dev));
      buf[sameAt] = same;
      // Perf: the fields that are most often one byte (a link, a few blocks, atime and ctime at mtime) skip the call.
      if (typeof nlink === 'number' && nlink < 0x80) buf[off++] = nlink;
      else off = writeVarint(buf, off, nlink);
      if (typeof blocks === 'number' && blocks < 0x80) buf[off++] = blocks;
      else off = writeVarint(buf, off, blocks);
      off = writeTimeDelta(buf, off, atime, mtime);
      off = writeTimeDelta(buf, off, ctime, mtime);
    }
    this.pos = off;
    this.count++;
  };

  /**
   * Appends an error record: the entry at prefix+name could not be stat'ed or read.
   * `inode` is the entry's own inode when known (a directory that could not be read), else 0.
   */
  readonly appendError: RecordBuffer['appendError'] = (inode, parentIno, type, syscall, code, prefix, name) => {
    const codeBytes = Buffer.from(code.slice(0, MAX_ERROR_CODE_LENGTH), 'latin1');
    let off = this.begin(ItemKind.error, type, prefix, name, 0, typeof name === 'string' ? 0 : name.length, parentIno, codeBytes.length);
    const buf = this.buf;
    off = writeVarint(buf, off, inode);
    buf[off++] = syscall;
    buf[off++] = codeBytes.length;
    buf.set(codeBytes, off);
    this.pos = off + codeBytes.length;
    this.count++;
  };

  /** The entry just appended is a directory the walker stacked to be read. */
  markDescended(): void {
    this.buf[this.lastTag]! |= ItemTag.MARK;
  }

  /** The error record just appended is its directory's own read failing (open or listing). */
  markOwnRead(): void {
    this.buf[this.lastTag]! |= ItemTag.MARK;
  }

  /**
   * Ends the directory `rel` (inode `ino`): every record of its listing is in the buffer
   * before this marker, so a block holding it says the directory was read (section 7.5).
   */
  endDirectory(rel: Uint8Array, ino: number | bigint): void {
    this.joinWithin(rel.length);
    let off = this.reserve(rel.length);
    this.lastTag = off;
    if (this.dirPrefix !== null && ino === this.dirIno && Buffer.compare(rel, this.dirPath) === 0) {
      this.buf[off++] = ItemKind.end << ItemTag.KIND_SHIFT;
    } else {
      this.buf[off++] = (ItemKind.end << ItemTag.KIND_SHIFT) | ItemTag.NEW_DIR;
      off = this.writeDirectory(off, rel, ino, null);
    }
    this.pos = off;
  }

  /** Writes out whatever is buffered as a final, possibly short, block. */
  flush(): void {
    if (this.pos === BLOCK_HEADER_SIZE) return;
    const buf = this.buf;
    const payloadLength = this.pos - BLOCK_HEADER_SIZE;
    buf.writeUInt32LE(BLOCK_MAGIC, BlockHeaderOffset.magic);
    buf.writeUInt32LE(payloadLength, BlockHeaderOffset.payloadLength);
    buf.writeUInt32LE(this.count, BlockHeaderOffset.recordCount);
    buf.writeUInt32LE(crc32(buf.subarray(BLOCK_HEADER_SIZE, this.pos)), BlockHeaderOffset.crc32);
    const count = this.count;
    this.pos = BLOCK_HEADER_SIZE;
    this.count = 0;
    this.lastTag = -1;
    this.dirPrefix = null;
    this.dirIno = 0;
    this.dirPath = EMPTY;
    this.uid = this.gid = this.mode = -1;
    this.dev = -1;
    this.joined = 0;
    this.sink(buf.subarray(0, BLOCK_HEADER_SIZE + payloadLength), count);
  }

  /**
   * Ends the block first when an item whose paths join to `cost` bytes (names left
   * out) would take the block past what a reader allows (JOINED_PATH_PER_BYTE): a
   * directory deep enough that its entries' paths dwarf their bytes gets blocks of
   * its own, each read whole. Names are left out because they are payload bytes,
   * one per byte: counted here against one byte less per payload byte, the reader's
   * full count stays within its bound. Perf: one comparison per item; the cost is
   * of the prefix alone, so a block ends at the same item on every walker route.
   */
  private joinWithin(cost: number): void {
    if (this.pos > BLOCK_HEADER_SIZE && this.joined + cost > (JOINED_PATH_PER_BYTE - 1) * (this.pos - BLOCK_HEADER_SIZE) + JOINED_PATH_FLOOR) {
      this.flush();
    }
    this.joined += cost;
  }

  /**
   * Starts an item: room for its worst case, its tag, the directory header when its
   * directory or parent inode differs from the current one's, and its name. Returns
   * where its fields go.
   */
  private begin(
    kind: number,
    type: number,
    prefix: Uint8Array,
    name: string | Uint8Array,
    nameFrom: number,
    nameTo: number,
    parentIno: number | bigint,
    extra: number,
  ): number {
    let nameWorst = typeof name === 'string' ? name.length * 3 : nameTo - nameFrom;
    // A string name is measured only when its worst case no longer fits, so a block ends at the same
    // item whether a name came as a string or as bytes (the walker's routes write identical files).
    if (typeof name === 'string' && this.pos + MAX_ITEM_HEAD + prefix.length + nameWorst + extra > this.buf.length) {
      nameWorst = Buffer.byteLength(name, 'utf8');
    }
    // A header (at most the prefix) and the record's path less its name.
    this.joinWithin(2 * prefix.length + 1);
    let off = this.reserve(prefix.length + nameWorst + extra);
    const buf = this.buf;
    const tag = (kind << ItemTag.KIND_SHIFT) | type;
    this.lastTag = off;
    if (nameWorst > 0 && (prefix.length === 0 || prefix[prefix.length - 1] === SLASH)) {
      // The common item: a name under its directory's prefix (empty for the root's entries).
      if (prefix === this.dirPrefix && parentIno === this.dirIno) {
        buf[off++] = tag;
      } else {
        buf[off++] = tag | ItemTag.NEW_DIR;
        off = this.writeDirectory(off, prefix.length === 0 ? EMPTY : prefix.subarray(0, prefix.length - 1), parentIno, prefix);
      }
      return this.writeName(off, name, nameFrom, nameTo);
    }
    // A whole path given as the prefix (a directory's own error record, the root's record): split at its last '/'.
    const path = nameWorst === 0 ? prefix : Buffer.concat([prefix, typeof name === 'string' ? Buffer.from(name) : name.subarray(nameFrom, nameTo)]);
    const slash = path.lastIndexOf(SLASH);
    const dir = slash < 0 ? EMPTY : path.subarray(0, slash);
    if (this.dirPrefix !== null && parentIno === this.dirIno && Buffer.compare(dir, this.dirPath) === 0) {
      buf[off++] = tag;
    } else {
      buf[off++] = tag | ItemTag.NEW_DIR;
      off = this.writeDirectory(off, dir, parentIno, null);
    }
    const last = path.subarray(slash + 1);
    return this.writeName(off, last, 0, last.length);
  }

  /** A directory header: its path front-coded against the current one, then its inode (section 7.3). */
  private writeDirectory(off: number, dir: Uint8Array, ino: number | bigint, prefix: Uint8Array | null): number {
    const buf = this.buf;
    const prev = this.dirPath;
    const max = Math.min(prev.length, dir.length);
    let shared = 0;
    while (shared < max && prev[shared] === dir[shared]) shared++;
    off = writeVarint(buf, off, shared);
    off = writeVarint(buf, off, dir.length - shared);
    buf.set(dir.subarray(shared), off);
    off = writeVarint(buf, off + dir.length - shared, ino);
    // A copy: the caller may reuse the bytes. The prefix object stands for the directory only when it is given.
    this.dirPath = Uint8Array.prototype.slice.call(dir);
    this.dirPrefix = prefix ?? this.dirPath;
    this.dirIno = ino;
    return off;
  }

  /** A name's length and bytes. Perf: a string name is written in place, its length byte moved only past 127 bytes. */
  private writeName(off: number, name: string | Uint8Array, nameFrom: number, nameTo: number): number {
    const buf = this.buf;
    if (typeof name !== 'string') {
      const n = nameTo - nameFrom;
      if (n < 0x80) buf[off++] = n;
      else off = writeVarint(buf, off, n);
      if (n <= SHORT_COPY) {
        for (let i = nameFrom; i < nameTo; i++) buf[off++] = name[i]!;
        return off;
      }
      buf.set(nameFrom === 0 && nameTo === name.length ? name : name.subarray(nameFrom, nameTo), off);
      return off + n;
    }
    const n = buf.write(name, off + 1, 'utf8');
    if (n < 0x80) {
      buf[off] = n;
      return off + 1 + n;
    }
    const lengthBytes = writeVarint(LENGTH_SCRATCH, 0, n);
    buf.copyWithin(off + lengthBytes, off + 1, off + 1 + n);
    buf.set(LENGTH_SCRATCH.subarray(0, lengthBytes), off);
    return off + lengthBytes + n;
  }

  /** The one bounds check of an item: room for its worst case with `bytes` of path, name and code, flushing or growing first. */
  private reserve(bytes: number): number {
    const worst = MAX_ITEM_HEAD + bytes;
    if (this.pos + worst > this.buf.length) {
      this.flush();
      if (BLOCK_HEADER_SIZE + worst > this.buf.length) this.buf = Buffer.allocUnsafe(BLOCK_HEADER_SIZE + worst);
    }
    return this.pos;
  }
}

const LENGTH_SCRATCH = new Uint8Array(MAX_VARINT_BYTES);

/** `time - mtime` zigzag-mapped, one byte without a call when within 63 seconds. */
function writeTimeDelta(buf: Buffer, off: number, time: number | bigint, mtime: number | bigint): number {
  if (typeof time === 'number' && typeof mtime === 'number') {
    const d = time - mtime;
    if (d >= -64 && d < 64) {
      buf[off] = d < 0 ? -2 * d - 1 : 2 * d;
      return off + 1;
    }
  }
  return writeZigzag(buf, off, exactDifference(time, mtime));
}
