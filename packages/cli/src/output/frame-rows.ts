import { isUtf8 } from 'node:buffer';
import { FrameField as Field, frameRowsOfBlock, type EntryBlock, type FrameBlock } from '@pwalk-ts/reader';
import { ENTRY_TYPE_NAMES } from '@pwalk-ts/reader/format';
import type { ByteRows } from './byte-rows.js';
import { MAX_DECIMAL_BYTES, writeDecimal, writeVarintDecimal } from './digits.js';
import { PieceFacts } from './entry-path.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Writes row `i` of a block (any block: the reference rows of each format, record-formats.ts). */
export type RowWriter = (out: ByteRows, b: EntryBlock, i: number) => void;
/** Writes every row of a block. */
export type BlockWriter = (out: ByteRows, b: EntryBlock) => void;

/**
 * Writes row `row` of a full format-2 block whose header facts `at` holds, and returns
 * true; false, writing nothing, for a row it leaves to the format's RowWriter (the
 * root's, and a path it does not take as it is).
 */
export type FrameRowWriter = (out: ByteRows, f: FrameBlock, row: number, at: HeaderFacts, b: EntryBlock, i: number) => boolean;

/**
 * What the rows under one directory header of a block share: the header's path piece
 * and what it holds, the parent inode and the depth. Learnt when the header changes
 * (131 k times for the bench corpus's 1 M rows), never per row.
 */
export class HeaderFacts {
  frame: FrameBlock | null = null;
  header = -1;
  readonly head = new PieceFacts();
  readonly dir = new PieceFacts();
  parentInode: number | bigint = 0;
  depth = 0;

  /** Moves to row `row`'s header. */
  of(f: FrameBlock, row: number): this {
    const h = f.dirOf[row]!;
    if (h === this.header && f === this.frame) return this;
    this.frame = f;
    this.header = h;
    this.head.of(f.root.head);
    this.dir.of(f.prefix(h));
    this.parentInode = f.dirs.ino(h);
    this.depth = f.depth(h) + 1;
    return this;
  }
}

/**
 * Every row of a block written by `fast` from a format-2 block's columns (its types,
 * field offsets and varints, FrameRowsBlock.frame), by `reference` for the rows `fast`
 * leaves and for any other block (format 1, sorted entries, a --compact walk). Perf:
 * one virtual call per field per row (EntryBlock's getters, each decoding to an exact
 * number and then to digits, each member name copied from a string) was most of
 * `cat`'s profile (bench/RESULTS.md, "cat (session 8)").
 */
export function blockWriter(reference: RowWriter, fast: FrameRowWriter): BlockWriter {
  const facts = new HeaderFacts();
  return (out, b) => {
    const rows = frameRowsOfBlock(b);
    if (rows === undefined || !rows.fullAttrs) {
      for (let i = 0; i < b.length; i++) reference(out, b, i);
      return;
    }
    const f = rows.frame;
    for (let i = 0, row = rows.from; i < b.length; i++, row++) {
      if (f.nameLength[row] === 0 || !fast(out, f, row, facts.of(f, row), b, i)) reference(out, b, i);
    }
  };
}

/** Each entry type's name in ASCII bytes, by type code, between `before` and `after`. */
export function typeLiterals(before: string, after: string): readonly Uint8Array[] {
  return ENTRY_TYPE_NAMES.map((name) => Buffer.from(before + name + after, 'latin1'));
}

/** ASCII text's bytes, for the literals of a row. */
export function literal(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** Copies `bytes` to `at`; returns the offset after them. Perf: a short literal by a loop, cheaper than set()'s call; a path piece (the root, a directory) by set(). */
export function put(buf: Uint8Array, at: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n > 24) buf.set(bytes, at);
  else for (let k = 0; k < n; k++) buf[at + k] = bytes[k]!;
  return at + n;
}

/** Bytes `from`..`to` of `src` inside an RFC 4180 quoted field at `at` (quotes doubled; room for twice their length); returns the offset after them. */
export function putCsvQuoted(buf: Uint8Array, at: number, src: Uint8Array, from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const c = src[k]!;
    buf[at++] = c;
    if (c === QUOTE) buf[at++] = QUOTE;
  }
  return at;
}

/** The row's full path inside an RFC 4180 quoted field (the quotes not written) at `at`; returns the offset after it. */
export function putCsvPath(buf: Uint8Array, at: number, f: FrameBlock, row: number, facts: HeaderFacts): number {
  const head = facts.head.piece!;
  const dir = facts.dir.piece!;
  at = facts.head.hasQuote ? putCsvQuoted(buf, at, head, 0, head.length) : put(buf, at, head);
  at = facts.dir.hasQuote ? putCsvQuoted(buf, at, dir, 0, dir.length) : put(buf, at, dir);
  const from = f.nameAt[row]!;
  return putCsvQuoted(buf, at, f.payload, from, from + f.nameLength[row]!);
}

/**
 * The row's full path inside a JSON string at `at`, or -1 when a piece of it needs
 * escaping or is not UTF-8 (the reference row then writes it: escapes and pathBase64).
 */
export function putPlainJsonPath(buf: Uint8Array, at: number, f: FrameBlock, row: number, facts: HeaderFacts): number {
  if (!facts.head.jsonPlain || !facts.dir.jsonPlain) return -1;
  at = put(buf, at, facts.head.piece!);
  at = put(buf, at, facts.dir.piece!);
  const p = f.payload;
  const from = f.nameAt[row]!;
  const to = from + f.nameLength[row]!;
  let ascii = true;
  for (let k = from; k < to; k++) {
    const c = p[k]!;
    if (c < 0x20 || c === QUOTE || c === BACKSLASH) return -1;
    if (c >= 0x80) ascii = false;
    buf[at++] = c;
  }
  return ascii || isUtf8(p.subarray(from, to)) ? at : -1;
}

/** Bytes a row needs besides its path: its literals and fifteen integers. */
export const ROW_ROOM = 512 + 16 * MAX_DECIMAL_BYTES;

/** Room for the row's path `times` over (escaped or quoted) and the rest: the buffer to write the row into. */
export function claimRow(out: ByteRows, f: FrameBlock, row: number, facts: HeaderFacts, times: number): Buffer {
  return out.claim((facts.head.piece!.length + facts.dir.piece!.length + f.nameLength[row]!) * times + ROW_ROOM);
}

/** A column of a row written from a format-2 block: a field whose digits come from its varint, or a value (from the row's times or its header). */
export const Column = {
  size: 0,
  blocks: 1,
  mode: 2,
  uid: 3,
  gid: 4,
  nlink: 5,
  ino: 6,
  dev: 7,
  parentInode: 8,
  atime: 9,
  mtime: 10,
  ctime: 11,
  depth: 12,
  /** The depth less one: pwalk's, whose root is at -1. */
  pwalkDepth: 13,
} as const;
export type Column = (typeof Column)[keyof typeof Column];
const FIRST_VALUE = Column.parentInode;

/** A column and the literal written before it. */
export interface ColumnStep {
  readonly before: Uint8Array;
  readonly column: Column;
}

/** The steps of a run of columns, each after its literal (ASCII). */
export function columnSteps(columns: readonly (readonly [string, Column])[]): readonly ColumnStep[] {
  return columns.map(([before, column]) => ({ before: literal(before), column }));
}

/**
 * Where a row's field varints are (FrameBlock.fields) and its values, for putColumns.
 * A row's varints: the inode and size (the mtime after it) at their offsets; uid,
 * gid, mode, dev and nlink at theirs (an earlier row's when repeated), st_blocks,
 * then atime and ctime as differences from the mtime after the nlink (FORMAT.md 7).
 */
export class RowFields {
  /** By Column, below FIRST_VALUE. */
  readonly varints = new Uint32Array(FIRST_VALUE);
  /**
   * By Column - FIRST_VALUE: the value, NaN for one past 2^53 (in `big`). Perf: a
   * time past 2^30 kept as a number | bigint was a heap number made per row and
   * column (garbage collection was 6% of the ndjson rows' profile).
   */
  readonly values = new Float64Array(6);
  readonly big: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];

  #set(column: Column, v: number | bigint): void {
    if (typeof v === 'number') this.values[column - FIRST_VALUE] = v;
    else {
      this.values[column - FIRST_VALUE] = NaN;
      this.big[column - FIRST_VALUE] = v;
    }
  }

  of(f: FrameBlock, row: number, facts: HeaderFacts): this {
    const fields = f.fields;
    const base = row * f.stride;
    const v = this.varints;
    const nlink = fields[base + Field.nlink]!;
    v[Column.size] = fields[base + Field.size]!;
    v[Column.blocks] = f.blocksAt(row);
    v[Column.mode] = fields[base + Field.mode]!;
    v[Column.uid] = fields[base + Field.uid]!;
    v[Column.gid] = fields[base + Field.gid]!;
    v[Column.nlink] = nlink;
    v[Column.ino] = fields[base + Field.ino]!;
    v[Column.dev] = fields[base + Field.dev]!;
    const mtime = f.mtime(row);
    this.#set(Column.parentInode, facts.parentInode);
    this.#set(Column.atime, f.sinceMtime(row, 2, mtime));
    this.#set(Column.mtime, mtime);
    this.#set(Column.ctime, f.sinceMtime(row, 3, mtime));
    this.#set(Column.depth, facts.depth);
    this.#set(Column.pwalkDepth, facts.depth - 1);
    return this;
  }
}

/** Column `c` of row `i` of any block, read through its getters: what the reference rows write (null in a --compact walk). */
export function columnValue(b: EntryBlock, i: number, c: Column): number | bigint | null {
  switch (c) {
    case Column.size:
      return b.size(i);
    case Column.blocks:
      return b.blocks(i);
    case Column.mode:
      return b.mode(i);
    case Column.uid:
      return b.uid(i);
    case Column.gid:
      return b.gid(i);
    case Column.nlink:
      return b.nlink(i);
    case Column.ino:
      return b.inode(i);
    case Column.dev:
      return b.dev(i);
    case Column.parentInode:
      return b.parentInode(i);
    case Column.atime:
      return b.atime(i);
    case Column.mtime:
      return b.mtime(i);
    case Column.ctime:
      return b.ctime(i);
    case Column.depth:
      return b.depth(i);
    case Column.pwalkDepth:
      return b.depth(i) - 1;
  }
}

/** The reference row's columns of `steps`, each after its literal, read by columnValue; `none` for a value the walk lacks. */
export function writeColumns(out: ByteRows, steps: readonly ColumnStep[], b: EntryBlock, i: number, none: string): void {
  for (const step of steps) {
    out.bytes(step.before);
    const v = columnValue(b, i, step.column);
    if (v === null) out.latin1(none);
    else out.int(v);
  }
}

/**
 * The row's columns of `steps`, each after its literal, at `at` (room claimed); returns
 * the offset after them. A format's columns are a list, not a call per column: as fast
 * (a million ndjson rows read and written in 1.01 CPU-s against 1.05, best of 6 on a
 * loaded machine), and their order is said once.
 */
export function putColumns(buf: Uint8Array, at: number, steps: readonly ColumnStep[], p: Uint8Array, r: RowFields): number {
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    const before = step.before;
    for (let j = 0; j < before.length; j++) buf[at + j] = before[j]!;
    at += before.length;
    const c = step.column;
    if (c < FIRST_VALUE) at = writeVarintDecimal(buf, at, p, r.varints[c]!);
    else {
      const v = r.values[c - FIRST_VALUE]!;
      at = writeDecimal(buf, at, v === v ? v : r.big[c - FIRST_VALUE]!);
    }
  }
  return at;
}
