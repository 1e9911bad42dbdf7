import { isUtf8 } from 'node:buffer';
import type { SchemaElement } from 'hyparquet-writer';
import type { WalkEntry, WalkEntryError } from '../sdk/record.js';

/**
 * One Parquet column: its schema element, how it is encoded and how a row's value is read.
 * Perf: every column names its encoding, so hyparquet-writer never samples a column and
 * builds a whole dictionary only to throw it away: a dictionary for the few-valued
 * columns, PLAIN for the (nearly) unique ones. Statistics (min/max per row group) cost a
 * comparison per value; they are kept only where a query's filter can skip row groups by them.
 */
export interface ParquetColumn<T> {
  readonly element: SchemaElement;
  /** 'auto': chosen per row group from a sample of the values (parquet-column-buffers.ts). */
  readonly encoding: 'PLAIN' | 'RLE_DICTIONARY' | 'auto';
  readonly statistics: boolean;
  readonly value: (row: T) => unknown;
}

const PLAIN = { encoding: 'PLAIN', statistics: false } as const;
const AUTO = { encoding: 'auto', statistics: false } as const;
const AUTO_STATS = { encoding: 'auto', statistics: true } as const;
const DICTIONARY = { encoding: 'RLE_DICTIONARY', statistics: false } as const;
const DICTIONARY_STATS = { encoding: 'RLE_DICTIONARY', statistics: true } as const;

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

/** Seconds as exact as WalkEntry's `*Exact` times: a bigint past 2^53, so only a safe number is multiplied as one. */
function micros(seconds: number | bigint | null): bigint | null {
  if (seconds === null || seconds > MAX_TIMESTAMP_SECONDS || seconds < -MAX_TIMESTAMP_SECONDS) return null;
  const us = Number(seconds) * 1_000_000;
  return Number.isSafeInteger(us) ? BigInt(us) : BigInt(seconds) * 1_000_000n;
}

function bigSeconds(seconds: number | bigint | null): bigint | null {
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
    { element: string('path', 'REQUIRED'), ...PLAIN, value: utf8Path },
    { element: binary('path_bytes', 'REQUIRED'), ...PLAIN, value: (e) => e.pathBytes },
    { element: string('type', 'REQUIRED'), ...DICTIONARY, value: (e) => e.type },
    { element: int32('depth', 'REQUIRED'), ...DICTIONARY_STATS, value: (e) => e.depth },
  ];
}

/**
 * The `entries` table: one row per entry. Values keep their exact types (64-bit
 * integers as INT64/UINT64, path bytes as BINARY); the attributes a `--compact`
 * walk lacks are OPTIONAL and NULL there.
 */
export const ENTRY_COLUMNS: readonly ParquetColumn<WalkEntry>[] = [
  ...whereColumns<WalkEntry>(),
  { element: int64('size', 'REQUIRED'), ...AUTO_STATS, value: (e) => signed64(e.size, 'size', e) },
  { element: int64('blocks', 'OPTIONAL'), ...AUTO, value: (e) => (e.blocks === null ? null : signed64(e.blocks, 'blocks', e)) },
  { element: int64('allocated', 'OPTIONAL'), ...AUTO_STATS, value: allocated },
  { element: uint64('inode', 'REQUIRED'), ...PLAIN, value: (e) => e.inode },
  { element: uint64('parent_inode', 'REQUIRED'), ...AUTO, value: (e) => e.parentInode },
  { element: uint64('dev', 'OPTIONAL'), ...DICTIONARY, value: (e) => e.dev },
  { element: uint32('mode', 'OPTIONAL'), ...DICTIONARY, value: (e) => e.mode },
  { element: uint32('uid', 'OPTIONAL'), ...DICTIONARY_STATS, value: (e) => e.uid },
  { element: uint32('gid', 'OPTIONAL'), ...DICTIONARY_STATS, value: (e) => e.gid },
  { element: uint32('nlink', 'OPTIONAL'), ...DICTIONARY, value: (e) => e.nlink },
  { element: timestamp('mtime'), ...AUTO_STATS, value: (e) => micros(e.mtimeExact) },
  { element: timestamp('atime'), ...AUTO, value: (e) => micros(e.atimeExact) },
  { element: timestamp('ctime'), ...AUTO, value: (e) => micros(e.ctimeExact) },
  { element: int64('mtime_s', 'REQUIRED'), ...AUTO_STATS, value: (e) => BigInt(e.mtimeExact) },
  { element: int64('atime_s', 'OPTIONAL'), ...AUTO, value: (e) => bigSeconds(e.atimeExact) },
  { element: int64('ctime_s', 'OPTIONAL'), ...AUTO, value: (e) => bigSeconds(e.ctimeExact) },
];

/** The `errors` table: one row per error record. */
export const ERROR_COLUMNS: readonly ParquetColumn<WalkEntryError>[] = [
  ...whereColumns<WalkEntryError>(),
  { element: uint64('inode', 'REQUIRED'), ...PLAIN, value: (e) => e.inode },
  { element: uint64('parent_inode', 'REQUIRED'), ...AUTO, value: (e) => e.parentInode },
  { element: string('syscall', 'REQUIRED'), ...DICTIONARY, value: (e) => e.syscall },
  { element: string('code', 'REQUIRED'), ...DICTIONARY, value: (e) => e.code },
];

/** The file schema: the root group, then the columns. */
export function parquetSchema<T>(columns: readonly ParquetColumn<T>[]): SchemaElement[] {
  return [{ name: 'schema', num_children: columns.length }, ...columns.map((c) => c.element)];
}
