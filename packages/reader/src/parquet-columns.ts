import { isUtf8 } from 'node:buffer';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import type { WalkEntry, WalkEntryError } from './record.js';

/** One Parquet column: its schema element and how a row's value is read. */
export interface ParquetColumn<T> {
  readonly element: SchemaElement;
  /** Forced encoding; unset lets hyparquet-writer choose (dictionary when it halves the size). */
  readonly encoding?: ColumnSource['encoding'];
  readonly value: (row: T) => unknown;
}

type Repetition = 'REQUIRED' | 'OPTIONAL';

const string = (name: string, repetition_type: Repetition): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  logical_type: { type: 'STRING' },
  repetition_type,
});
const binary = (name: string, repetition_type: Repetition): SchemaElement => ({ name, type: 'BYTE_ARRAY', repetition_type });
const int32 = (name: string, repetition_type: Repetition): SchemaElement => ({ name, type: 'INT32', repetition_type });
// Unsigned integers carry the converted type alone: hyparquet-writer 0.17 encodes the INTEGER
// logical type's bitWidth with a thrift type readers reject (DuckDB: "TProtocolException:
// Invalid data"), and UINT_32 / UINT_64 mean the same to every reader.
const uint32 = (name: string, repetition_type: Repetition): SchemaElement => ({ name, type: 'INT32', converted_type: 'UINT_32', repetition_type });
const int64 = (name: string, repetition_type: Repetition): SchemaElement => ({ name, type: 'INT64', repetition_type });
const uint64 = (name: string, repetition_type: Repetition): SchemaElement => ({ name, type: 'INT64', converted_type: 'UINT_64', repetition_type });
/** An instant: microseconds since 1970, UTC (DuckDB: TIMESTAMP WITH TIME ZONE). */
const timestamp = (name: string): SchemaElement => ({
  name,
  type: 'INT64',
  converted_type: 'TIMESTAMP_MICROS',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
  repetition_type: 'OPTIONAL',
});

const INT64_MAX = (1n << 63n) - 1n;
/**
 * floor((2^63 - 1) / 10^6): the largest whole second whose microseconds fit INT64
 * (about the year 294 000). Past it (either way) the timestamp column is NULL and
 * only the exact `*_s` column holds the time.
 */
export const MAX_TIMESTAMP_SECONDS = 9_223_372_036_854;

function micros(seconds: number | null): bigint | null {
  if (seconds === null || seconds > MAX_TIMESTAMP_SECONDS || seconds < -MAX_TIMESTAMP_SECONDS) return null;
  const us = seconds * 1_000_000;
  return Number.isSafeInteger(us) ? BigInt(us) : BigInt(seconds) * 1_000_000n;
}

function bigSeconds(seconds: number | null): bigint | null {
  return seconds === null ? null : BigInt(seconds);
}

/** st_size and st_blocks are signed in the kernel: a value past INT64 is damage, named rather than wrapped. */
function signed64(value: bigint, column: string, e: WalkEntry): bigint {
  if (value > INT64_MAX) throw new RangeError(`${column} ${value} of ${e.path} is past 2^63 - 1`);
  return value;
}

function allocated(e: WalkEntry): bigint | null {
  const blocks = e.blocks;
  return blocks === null ? null : signed64(blocks * 512n, 'allocated', e);
}

/**
 * The path as UTF-8 bytes. Perf: when the exact bytes are UTF-8 (nearly always) they
 * are the column's value as they are, so a row costs no path string and no re-encoding;
 * otherwise the lossy decoding (U+FFFD for each bad sequence) is encoded.
 */
function utf8Path(e: WalkEntry | WalkEntryError): Uint8Array {
  const bytes = e.pathBytes;
  return isUtf8(bytes) ? bytes : Buffer.from(e.path);
}

/** The columns both tables start with: where the entry is and what it is. */
function whereColumns<T extends WalkEntry | WalkEntryError>(): ParquetColumn<T>[] {
  return [
    // Perf: paths are (nearly) all distinct, so the dictionary attempt would be wasted work.
    { element: string('path', 'REQUIRED'), encoding: 'PLAIN', value: utf8Path },
    { element: binary('path_bytes', 'REQUIRED'), encoding: 'PLAIN', value: (e) => e.pathBytes },
    { element: string('type', 'REQUIRED'), value: (e) => e.type },
    { element: int32('depth', 'REQUIRED'), value: (e) => e.depth },
  ];
}

/**
 * The `entries` table: one row per entry. Values keep their exact types (64-bit
 * integers as INT64/UINT64, path bytes as BINARY); the attributes a `--compact`
 * walk lacks are OPTIONAL and NULL there.
 */
export const ENTRY_COLUMNS: readonly ParquetColumn<WalkEntry>[] = [
  ...whereColumns<WalkEntry>(),
  { element: int64('size', 'REQUIRED'), value: (e) => signed64(e.size, 'size', e) },
  { element: int64('blocks', 'OPTIONAL'), value: (e) => (e.blocks === null ? null : signed64(e.blocks, 'blocks', e)) },
  { element: int64('allocated', 'OPTIONAL'), value: allocated },
  { element: uint64('inode', 'REQUIRED'), value: (e) => e.inode },
  { element: uint64('parent_inode', 'REQUIRED'), value: (e) => e.parentInode },
  { element: uint64('dev', 'OPTIONAL'), value: (e) => e.dev },
  { element: uint32('mode', 'OPTIONAL'), value: (e) => e.mode },
  { element: uint32('uid', 'OPTIONAL'), value: (e) => e.uid },
  { element: uint32('gid', 'OPTIONAL'), value: (e) => e.gid },
  { element: uint32('nlink', 'OPTIONAL'), value: (e) => e.nlink },
  { element: timestamp('mtime'), value: (e) => micros(e.mtime) },
  { element: timestamp('atime'), value: (e) => micros(e.atime) },
  { element: timestamp('ctime'), value: (e) => micros(e.ctime) },
  { element: int64('mtime_s', 'REQUIRED'), value: (e) => BigInt(e.mtime) },
  { element: int64('atime_s', 'OPTIONAL'), value: (e) => bigSeconds(e.atime) },
  { element: int64('ctime_s', 'OPTIONAL'), value: (e) => bigSeconds(e.ctime) },
];

/** The `errors` table: one row per error record. */
export const ERROR_COLUMNS: readonly ParquetColumn<WalkEntryError>[] = [
  ...whereColumns<WalkEntryError>(),
  { element: uint64('inode', 'REQUIRED'), value: (e) => e.inode },
  { element: uint64('parent_inode', 'REQUIRED'), value: (e) => e.parentInode },
  { element: string('syscall', 'REQUIRED'), value: (e) => e.syscall },
  { element: string('code', 'REQUIRED'), value: (e) => e.code },
];

/** The file schema: the root group, then the columns. */
export function parquetSchema<T>(columns: readonly ParquetColumn<T>[]): SchemaElement[] {
  return [{ name: 'schema', num_children: columns.length }, ...columns.map((c) => c.element)];
}

/** Rows gathered column by column until they make a row group. */
export class ColumnBuffers<T> {
  private readonly data: unknown[][];
  private count = 0;

  constructor(private readonly columns: readonly ParquetColumn<T>[]) {
    this.data = columns.map(() => []);
  }

  get rows(): number {
    return this.count;
  }

  /** Perf: column by column, so each loop calls one getter (a monomorphic call site) over the whole batch. */
  add(batch: readonly T[]): void {
    for (let c = 0; c < this.columns.length; c++) {
      const value = this.columns[c]!.value;
      const out = this.data[c]!;
      for (let i = 0; i < batch.length; i++) out.push(value(batch[i]!));
    }
    this.count += batch.length;
  }

  /** The first `count` gathered rows as hyparquet-writer column data; the rest stay gathered. */
  take(count: number): ColumnSource[] {
    const out = this.columns.map((c, i): ColumnSource => ({
      name: c.element.name,
      data: this.data[i]!.splice(0, count),
      nullable: c.element.repetition_type !== 'REQUIRED',
      ...(c.encoding === undefined ? {} : { encoding: c.encoding }),
    }));
    this.count -= out[0]?.data.length ?? 0;
    return out;
  }
}
