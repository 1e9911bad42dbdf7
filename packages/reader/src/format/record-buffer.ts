import type { BigIntStats } from 'node:fs';
import { crc32 } from 'node:zlib';
import {
  ATTRS_SIZE,
  AttrsOffset,
  BLOCK_HEADER_SIZE,
  BLOCK_MAGIC,
  BlockHeaderOffset,
  DEFAULT_BLOCK_CAPACITY,
  EntryType,
  MAX_ERROR_CODE_LENGTH,
  MAX_RECORD_HEAD,
  RECORD_FIXED_SIZE,
  RecordFlag,
  RecordOffset,
  U16_SENTINEL,
  U32_SENTINEL,
} from './layout.js';
import { writeI64, writeU64 } from './integers.js';
import type { WalkEntry } from '../sdk/record.js';
import { exactSeconds, floorDivNs, floorSecondsFromMs } from './time.js';

const EMPTY = new Uint8Array(0);
/** Names up to this many bytes are copied by a loop: cheaper than making a subarray for set(). */
export const SHORT_COPY = 48;

/** Whole seconds of an entry's three times, exact (the walker's re-stat of times Node's lstat cannot give). */
export interface StatSeconds {
  readonly atime: bigint;
  readonly mtime: bigint;
  readonly ctime: bigint;
}

/** A writer of entry records from their fields: both formats' buffers. */
export type FieldsWriter = Pick<RecordBuffer, 'appendFields'>;

/** Appends an entry from BigIntStats to either format's buffer; `times`, when given, replaces the three times of `st`. */
export function appendStats(
  out: FieldsWriter,
  st: BigIntStats,
  type: number,
  parentIno: number | bigint,
  prefix: Uint8Array,
  name: string | Uint8Array,
  times: StatSeconds | null,
): void {
  out.appendFields(
    prefix,
    name,
    0,
    typeof name === 'string' ? 0 : name.length,
    st.ino,
    parentIno,
    type,
    st.size,
    times === null ? secondsOf(st.mtimeMs, st.mtimeNs) : exactSeconds(times.mtime),
    Number(st.uid),
    Number(st.gid),
    Number(st.mode),
    Number(st.nlink),
    st.blocks,
    st.dev,
    times === null ? secondsOf(st.atimeMs, st.atimeNs) : exactSeconds(times.atime),
    times === null ? secondsOf(st.ctimeMs, st.ctimeNs) : exactSeconds(times.ctime),
  );
}

/** Receives each sealed block; the bytes are only valid during the call. */
export type BlockSink = (block: Uint8Array, recordCount: number) => void;

/**
 * Packs records into one preallocated block buffer and hands full blocks to a sink.
 * Perf: one buffer and one cached DataView for the writer's lifetime; each append
 * makes one bounds check against a worst-case record size, then writes unchecked.
 */
export class RecordBuffer implements FieldsWriter {
  readonly fullAttrs: boolean;
  private buf: Buffer;
  private view: DataView;
  private pos = BLOCK_HEADER_SIZE;
  private count = 0;
  private pathStart = 0;
  private readonly sink: BlockSink;

  constructor(sink: BlockSink, options: { capacity?: number; fullAttrs?: boolean } = {}) {
    this.sink = sink;
    this.fullAttrs = options.fullAttrs ?? true;
    this.buf = Buffer.allocUnsafe(options.capacity ?? DEFAULT_BLOCK_CAPACITY);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  get recordCount(): number {
    return this.count;
  }

  /**
   * Appends an entry from BigIntStats. The walker always stats with `bigint: true`:
   * number Stats round nanosecond times to doubles, which can land on the next
   * second, and most real trees (tar, rsync, package managers) hold whole-second
   * times where that cannot be told apart; a second bigint stat for those cost
   * far more than the ~15% a bigint stat costs up front. `times`, when given,
   * replaces the three times of `st` (exact seconds from elsewhere).
   */
  appendBigStats(
    st: BigIntStats,
    type: number,
    parentIno: number | bigint,
    prefix: Uint8Array,
    name: string | Uint8Array,
    times: StatSeconds | null = null,
  ): void {
    appendStats(this, st, type, parentIno, prefix, name, times);
  }

  /** Re-encodes a decoded entry (external sort runs); the layout must match the entry's. */
  appendEntry(e: WalkEntry): void {
    this.appendFields(
      EMPTY,
      e.relativePathBytes,
      0,
      e.relativePathBytes.length,
      e.inode,
      e.parentInode,
      EntryType[e.type],
      e.size,
      e.mtimeExact,
      e.uid ?? 0,
      e.gid ?? 0,
      e.mode ?? 0,
      e.nlink ?? 0,
      e.blocks ?? 0n,
      e.dev ?? 0n,
      e.atimeExact ?? 0,
      e.ctimeExact ?? 0,
    );
  }

  /**
   * Appends one whole encoded record, bytes [from, to) of `src`, as it is (external
   * sort runs). Perf: a copy, where re-encoding a decoded entry reads sixteen fields
   * and makes five BigInts (8% of a spilling sort). The record must be self-contained,
   * as every record of the format is.
   */
  appendRecord(src: Uint8Array, from: number, to: number): void {
    const length = to - from;
    if (this.pos + length > this.buf.length) {
      this.flush();
      if (BLOCK_HEADER_SIZE + length > this.buf.length) this.grow(BLOCK_HEADER_SIZE + length);
    }
    this.buf.set(src.subarray(from, to), this.pos);
    this.pos += length;
    this.count++;
  }

  /**
   * The one entry encoder; the attribute arguments are ignored in a compact layout.
   * The name is `name` when it is a string, else its bytes [nameFrom, nameTo).
   * 64-bit values, times included, come as bigints or as exact numbers. Public for a
   * writer that holds the fields already (the walker's native route reads them from
   * its addon's packed buffer): no Stats object, and no BigInt or subarray for values
   * and names that do not need one.
   */
  appendFields(
    prefix: Uint8Array,
    name: string | Uint8Array,
    nameFrom: number,
    nameTo: number,
    ino: number | bigint,
    parentIno: number | bigint,
    type: number,
    size: number | bigint,
    mtime: number | bigint,
    uid: number,
    gid: number,
    mode: number,
    nlink: number,
    blocks: number | bigint,
    dev: number | bigint,
    atime: number | bigint,
    ctime: number | bigint,
  ): void {
    const off = this.reserve(prefix, name, nameFrom, nameTo);
    const view = this.view;
    let flags = this.fullAttrs ? RecordFlag.ATTRS : 0;
    writeU64(view, off + RecordOffset.inode, ino);
    writeU64(view, off + RecordOffset.parentInode, parentIno);
    view.setUint8(off + RecordOffset.type, type);
    let ext = off + RECORD_FIXED_SIZE;
    const long = this.longPath(off, prefix, name, nameFrom, nameTo);
    if (long) {
      flags |= RecordFlag.PATH32;
      ext += 4;
    }
    // A bigint compares with a number exactly.
    if (size >= U32_SENTINEL) {
      flags |= RecordFlag.SIZE64;
      view.setUint32(off + RecordOffset.size, U32_SENTINEL, true);
      writeU64(view, ext, size);
      ext += 8;
    } else {
      view.setUint32(off + RecordOffset.size, Number(size), true);
    }
    if (mtime >= 0 && mtime <= 0xffffffff) {
      view.setUint32(off + RecordOffset.mtime, Number(mtime), true);
    } else {
      flags |= RecordFlag.MTIME64;
      view.setUint32(off + RecordOffset.mtime, 0, true);
      writeI64(view, ext, mtime);
      ext += 8;
    }
    if (this.fullAttrs) {
      view.setUint32(ext + AttrsOffset.uid, uid, true);
      view.setUint32(ext + AttrsOffset.gid, gid, true);
      view.setUint32(ext + AttrsOffset.mode, mode, true);
      view.setUint32(ext + AttrsOffset.nlink, nlink, true);
      writeU64(view, ext + AttrsOffset.blocks, blocks);
      writeU64(view, ext + AttrsOffset.dev, dev);
      writeI64(view, ext + AttrsOffset.atime, atime);
      writeI64(view, ext + AttrsOffset.ctime, ctime);
      ext += ATTRS_SIZE;
    }
    view.setUint8(off + RecordOffset.flags, flags);
    this.commit(off, this.writePath(ext, prefix, name, nameFrom, nameTo), long);
  }

  /**
   * Appends an error record: the entry at prefix+name could not be stat'ed or read.
   * `inode` is the entry's own inode when known (a directory that could not be read), else 0.
   */
  appendError(
    inode: number | bigint,
    parentIno: number | bigint,
    type: number,
    syscall: number,
    code: string,
    prefix: Uint8Array,
    name: string | Uint8Array,
  ): void {
    const codeBytes = Buffer.from(code.slice(0, MAX_ERROR_CODE_LENGTH), 'latin1');
    const nameTo = typeof name === 'string' ? 0 : name.length;
    const off = this.reserve(prefix, name, 0, nameTo, codeBytes.length);
    const view = this.view;
    let flags: number = RecordFlag.ERROR;
    writeU64(view, off + RecordOffset.inode, inode);
    writeU64(view, off + RecordOffset.parentInode, parentIno);
    view.setUint32(off + RecordOffset.size, 0, true);
    view.setUint32(off + RecordOffset.mtime, 0, true);
    view.setUint8(off + RecordOffset.type, type);
    let ext = off + RECORD_FIXED_SIZE;
    const long = this.longPath(off, prefix, name, 0, nameTo);
    if (long) {
      flags |= RecordFlag.PATH32;
      ext += 4;
    }
    view.setUint8(ext, syscall);
    view.setUint8(ext + 1, codeBytes.length);
    this.buf.set(codeBytes, ext + 2);
    ext += 2 + codeBytes.length;
    view.setUint8(off + RecordOffset.flags, flags);
    this.commit(off, this.writePath(ext, prefix, name, 0, nameTo), long);
  }

  /** Writes out whatever is buffered as a final, possibly short, block. */
  flush(): void {
    if (this.count === 0) return;
    const view = this.view;
    const payloadLength = this.pos - BLOCK_HEADER_SIZE;
    view.setUint32(BlockHeaderOffset.magic, BLOCK_MAGIC, true);
    view.setUint32(BlockHeaderOffset.payloadLength, payloadLength, true);
    view.setUint32(BlockHeaderOffset.recordCount, this.count, true);
    view.setUint32(BlockHeaderOffset.crc32, crc32(this.buf.subarray(BLOCK_HEADER_SIZE, this.pos)), true);
    const count = this.count;
    this.pos = BLOCK_HEADER_SIZE;
    this.count = 0;
    this.sink(this.buf.subarray(0, BLOCK_HEADER_SIZE + payloadLength), count);
  }

  /**
   * The one bounds check of an append: room for the worst case of this record, flushing or growing first.
   * A block ends where the record's bound with the name's exact byte length no longer fits, so a name
   * given as a string and the same name given as bytes end a block at the same record (the walker's
   * routes write byte-identical files).
   */
  private reserve(prefix: Uint8Array, name: string | Uint8Array, nameFrom: number, nameTo: number, extra = 0): number {
    const head = MAX_RECORD_HEAD + extra + prefix.length;
    // Perf: a UTF-16 unit never needs more than 3 UTF-8 bytes, so the common bound needs no byteLength scan;
    // only a record near the end of the block measures its name.
    let worst = head + (typeof name === 'string' ? name.length * 3 : nameTo - nameFrom);
    if (this.pos + worst > this.buf.length) {
      if (typeof name === 'string') worst = head + Buffer.byteLength(name, 'utf8');
      if (this.pos + worst > this.buf.length) {
        this.flush();
        if (BLOCK_HEADER_SIZE + worst > this.buf.length) this.grow(BLOCK_HEADER_SIZE + worst);
      }
    }
    return this.pos;
  }

  private grow(size: number): void {
    this.buf = Buffer.allocUnsafe(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  private writePath(off: number, prefix: Uint8Array, name: string | Uint8Array, nameFrom: number, nameTo: number): number {
    const buf = this.buf;
    this.pathStart = off;
    buf.set(prefix, off);
    off += prefix.length;
    if (typeof name === 'string') return off + buf.write(name, off, 'utf8');
    const n = nameTo - nameFrom;
    if (n <= SHORT_COPY) {
      for (let i = nameFrom; i < nameTo; i++) buf[off++] = name[i]!;
      return off;
    }
    buf.set(nameFrom === 0 && nameTo === name.length ? name : name.subarray(nameFrom, nameTo), off);
    return off + n;
  }

  /**
   * Decides the path-length encoding. Perf: the common short path needs no UTF-8 length
   * scan, since commit() stores the length the write produced; only a path that might
   * reach 64 KiB is measured up front to place the u32 length.
   */
  private longPath(off: number, prefix: Uint8Array, name: string | Uint8Array, nameFrom: number, nameTo: number): boolean {
    const worst = prefix.length + (typeof name === 'string' ? name.length * 3 : nameTo - nameFrom);
    if (worst < U16_SENTINEL) return false;
    const exact = prefix.length + (typeof name === 'string' ? Buffer.byteLength(name, 'utf8') : nameTo - nameFrom);
    if (exact < U16_SENTINEL) return false;
    this.view.setUint16(off + RecordOffset.pathLength, U16_SENTINEL, true);
    this.view.setUint32(off + RECORD_FIXED_SIZE, exact, true);
    return true;
  }

  private commit(start: number, end: number, long: boolean): void {
    if (!long) this.view.setUint16(start + RecordOffset.pathLength, end - this.pathStart, true);
    this.pos = end;
    this.count++;
  }
}

/**
 * Whole seconds of a BigIntStats time, exactly (as exactSeconds gives them). Perf:
 * Node's bigint milliseconds below 2^53 convert to an exact number without a BigInt
 * division; they truncate toward zero, so times at or before 1970 and past 2^53 ms
 * (the year 287 586) take the exact nanosecond route.
 */
function secondsOf(ms: bigint, ns: bigint): number | bigint {
  const m = Number(ms);
  return m > 0 && m <= Number.MAX_SAFE_INTEGER ? floorSecondsFromMs(m) : exactSeconds(floorDivNs(ns));
}
