import { isUtf8 } from 'node:buffer';
import { FrameField as Field, frameRowsOfBlock, type EntryBlock, type FrameBlock } from '@pwalk-ts/reader';
import { ENTRY_TYPE_NAMES, exactSum, unzigzag, varintAt, varintEnd } from '@pwalk-ts/reader/format';
import type { ByteRows } from './byte-rows.js';
import { MAX_DECIMAL_BYTES, writeDecimal, writeVarintDecimal } from './digits.js';
import { PieceFacts } from './entry-path.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
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

/** A comma and the varint at `from` of `p` in decimal (writeVarintDecimal); returns the offset after them. */
export function commaVarint(buf: Uint8Array, at: number, p: Uint8Array, from: number): number {
  buf[at] = COMMA;
  return writeVarintDecimal(buf, at + 1, p, from);
}

/** A comma and `v` in decimal; returns the offset after them. */
export function commaDecimal(buf: Uint8Array, at: number, v: number | bigint): number {
  buf[at] = COMMA;
  return writeDecimal(buf, at + 1, v);
}

/** Bytes a row needs besides its path: its literals and fifteen integers. */
export const ROW_ROOM = 512 + 16 * MAX_DECIMAL_BYTES;

/** Room for the row's path `times` over (escaped or quoted) and the rest: the buffer to write the row into. */
export function claimRow(out: ByteRows, f: FrameBlock, row: number, facts: HeaderFacts, times: number): Buffer {
  return out.claim((facts.head.piece!.length + facts.dir.piece!.length + f.nameLength[row]!) * times + ROW_ROOM);
}

/**
 * Where the row's field varints are (FrameBlock.fields), and its times, exact. A
 * row's varints: the inode and size (the mtime after it) at their offsets; uid, gid,
 * mode, dev and nlink at theirs (an earlier row's when repeated), st_blocks, then
 * atime and ctime as differences from the mtime after the nlink (FORMAT.md 7).
 */
export class RowFields {
  ino = 0;
  size = 0;
  uid = 0;
  gid = 0;
  mode = 0;
  dev = 0;
  nlink = 0;
  blocks = 0;
  mtime: number | bigint = 0;
  atime: number | bigint = 0;
  ctime: number | bigint = 0;

  of(f: FrameBlock, row: number): this {
    const p = f.payload;
    const fields = f.fields;
    const base = row * f.stride;
    this.ino = fields[base + Field.ino]!;
    this.size = fields[base + Field.size]!;
    this.uid = fields[base + Field.uid]!;
    this.gid = fields[base + Field.gid]!;
    this.mode = fields[base + Field.mode]!;
    this.dev = fields[base + Field.dev]!;
    this.nlink = fields[base + Field.nlink]!;
    this.blocks = varintEnd(p, this.nlink);
    const mtime = unzigzag(varintAt(p, varintEnd(p, this.size)));
    const atimeAt = varintEnd(p, this.blocks);
    this.mtime = mtime;
    this.atime = exactSum(mtime, unzigzag(varintAt(p, atimeAt)));
    this.ctime = exactSum(mtime, unzigzag(varintAt(p, varintEnd(p, atimeAt))));
    return this;
  }
}
