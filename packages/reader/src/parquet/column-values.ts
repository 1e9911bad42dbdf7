import { GrowableBytes } from './growable-bytes.js';
import type { FrameBlock } from '../format/frame-entry.js';

const SLASH = 0x2f;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A row group's values of one column as plain data, to encode in this thread or to
 * post to a worker (structured clone): what column-chunk.ts reads.
 */
export type ColumnData = IntegerData | BytesData | StringData;

export interface IntegerData {
  readonly kind: 'integer';
  readonly physical: 'INT32' | 'INT64';
  readonly numbers: Float64Array;
  readonly defined: Uint8Array | null;
  readonly bigs: ReadonlyMap<number, bigint>;
  readonly nulls: number;
}

export interface BytesData {
  readonly kind: 'bytes';
  /** The rows in the PLAIN page's layout. */
  readonly page: Uint8Array;
  readonly ends: Int32Array;
  readonly maybeNotUtf8: readonly number[];
}

export interface StringData {
  readonly kind: 'string';
  readonly indices: Int32Array;
  readonly dictionary: readonly string[];
}

/**
 * An INT32 or INT64 column's values for one row group: each an exact number in a
 * Float64Array; a value past 2^53 (an inode of a FUSE filesystem, a time after the
 * year 285 million) is NaN there and kept exactly in `bigs`. NULL rows are 0 in
 * `defined` (OPTIONAL columns only). Perf: no BigInt per value and no array of
 * objects: the encoder reads the typed array once for the page, its dictionary and
 * its statistics.
 */
export class IntegerValues {
  readonly numbers: Float64Array;
  readonly defined: Uint8Array | null;
  /** Rows whose value is past 2^53 in magnitude, by row. */
  bigs = new Map<number, bigint>();
  nulls = 0;

  constructor(
    capacity: number,
    readonly name: string,
    readonly physical: 'INT32' | 'INT64',
    readonly unsigned: boolean,
    nullable: boolean,
  ) {
    this.numbers = new Float64Array(capacity);
    this.defined = nullable ? new Uint8Array(capacity) : null;
  }

  set(at: number, value: unknown): void {
    if (typeof value === 'number') {
      this.numbers[at] = value;
      if (this.defined !== null) this.defined[at] = 1;
    } else this.setOther(at, value);
  }

  private setOther(at: number, value: unknown): void {
    if (value === null) {
      if (this.defined === null) throw new TypeError(`${this.name} has no value but is REQUIRED`);
      this.defined[at] = 0;
      this.numbers[at] = 0;
      this.nulls++;
      return;
    }
    if (typeof value !== 'bigint') throw new TypeError(`${this.name}: a ${typeof value} is not an integer`);
    if (value <= MAX_EXACT && value >= -MAX_EXACT) return this.set(at, Number(value));
    if (this.physical === 'INT32' || value > (this.unsigned ? UINT64_MAX : INT64_MAX) || value < (this.unsigned ? 0n : INT64_MIN)) {
      throw new RangeError(`${this.name} ${value} is past the column's range`);
    }
    this.numbers[at] = NaN;
    if (this.defined !== null) this.defined[at] = 1;
    this.bigs.set(at, value);
  }

  /** The first `rows` values as plain data, as they are (valid until the next reset); as each store's view(). */
  view(rows: number): IntegerData {
    const { physical, defined, bigs, nulls } = this;
    return { kind: 'integer', physical, numbers: this.numbers.subarray(0, rows), defined: defined?.subarray(0, rows) ?? null, bigs, nulls };
  }

  /** Empties the column for the next row group. */
  reset(): void {
    if (this.bigs.size > 0) this.bigs = new Map();
    this.nulls = 0;
  }
}

/**
 * A REQUIRED BYTE_ARRAY column written PLAIN: its rows already in the page's layout
 * (a 4-byte length, then the bytes), with where each ends, so that the `path` column
 * can be made from `path_bytes` without a string per row.
 */
export class BytesValues {
  readonly data: GrowableBytes;
  readonly ends: Int32Array;
  /** Rows that may not be UTF-8 (a byte past 0x7f): the only ones `path` checks. */
  maybeNotUtf8: number[] = [];
  /** The last prefix setFramePath wrote: its block and header, where it is in `data`, its bytes OR-ed together. */
  private prefixBlock: FrameBlock | null = null;
  private prefixDir = -1;
  private prefixAt = 0;
  private prefixHigh = 0;

  constructor(
    capacity: number,
    readonly name: string,
  ) {
    this.data = new GrowableBytes(capacity * 64);
    this.ends = new Int32Array(capacity);
  }

  /** Appends row `at` (rows come in order). */
  set(at: number, value: unknown): void {
    if (!(value instanceof Uint8Array)) throw new TypeError(`${this.name}: not bytes`);
    this.data.uint32(value.length);
    this.data.append(value);
    this.ends[at] = this.data.length;
    this.maybeNotUtf8.push(at);
  }

  /**
   * Appends the full path of row `i` of a format-2 block as row `at`: the root's head,
   * the directory header's path and '/', the name (the root itself: the root's bytes).
   * Perf: no Buffer per row; a block's rows of one directory come together, so a
   * row's prefix is most often copied from the row before it, in place (copyWithin).
   */
  setFramePath(at: number, block: FrameBlock, i: number): void {
    const nameLength = block.nameLength[i]!;
    const dir = block.dirOf[i]!;
    const dirs = block.dirs;
    const data = this.data;
    if (block.isRoot(i)) {
      this.set(at, block.root.bytes);
      return;
    }
    const head = block.root.head;
    const dirLength = dirs.length(dir);
    const prefixLength = head.length + (dirLength === 0 ? 0 : dirLength + 1);
    data.uint32(prefixLength + nameLength);
    data.ensure(prefixLength + nameLength);
    const out = data.bytes;
    const prefixAt = data.length;
    if (block === this.prefixBlock && dir === this.prefixDir) out.copyWithin(prefixAt, this.prefixAt, this.prefixAt + prefixLength);
    else {
      out.set(head, prefixAt);
      if (dirLength > 0) {
        out.set(dirs.path(dir), prefixAt + head.length);
        out[prefixAt + prefixLength - 1] = SLASH;
      }
      let high = 0;
      for (let k = prefixAt; k < prefixAt + prefixLength; k++) high |= out[k]!;
      this.prefixBlock = block;
      this.prefixDir = dir;
      this.prefixHigh = high;
    }
    this.prefixAt = prefixAt;
    let to = prefixAt + prefixLength;
    let high = this.prefixHigh;
    const payload = block.payload;
    const nameAt = block.nameAt[i]!;
    for (let k = 0; k < nameLength; k++) {
      const byte = payload[nameAt + k]!;
      high |= byte;
      out[to++] = byte;
    }
    data.length = to;
    this.ends[at] = to;
    if (high > 0x7f) this.maybeNotUtf8.push(at);
  }

  view(rows: number): BytesData {
    return { kind: 'bytes', page: this.data.view(), ends: this.ends.subarray(0, rows), maybeNotUtf8: this.maybeNotUtf8 };
  }

  reset(): void {
    this.data.reset();
    this.maybeNotUtf8 = [];
    this.prefixBlock = null;
  }
}

/** A REQUIRED string column with few values (type, syscall, code): dictionary indices, the dictionary in first-seen order. */
export class StringValues {
  readonly indices: Int32Array;
  private readonly index = new Map<string, number>();
  dictionary: string[] = [];

  constructor(
    capacity: number,
    readonly name: string,
  ) {
    this.indices = new Int32Array(capacity);
  }

  set(at: number, value: unknown): void {
    if (typeof value !== 'string') throw new TypeError(`${this.name}: not a string`);
    let d = this.index.get(value);
    if (d === undefined) {
      d = this.dictionary.length;
      this.index.set(value, d);
      this.dictionary.push(value);
    }
    this.indices[at] = d;
  }

  view(rows: number): StringData {
    return { kind: 'string', indices: this.indices.subarray(0, rows), dictionary: this.dictionary };
  }

  reset(): void {
    this.index.clear();
    this.dictionary = [];
  }
}

export type ColumnValues = IntegerValues | BytesValues | StringValues;
