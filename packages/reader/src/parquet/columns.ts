import type { SchemaElement } from 'hyparquet-writer';
import { Field, frameEntry, type FrameBlock } from '../format/frame-entry.js';
import { ENTRY_TYPE_NAMES } from '../format/layout.js';
import type { WalkEntry, WalkEntryError } from '../sdk/record.js';

/**
 * One Parquet column: its schema element, how it is encoded and how a row's value is read.
 * Perf: every column names its encoding, so no dictionary is built only to be thrown
 * away: a dictionary for the few-valued columns, PLAIN for the (nearly) unique ones,
 * 'auto' where a file tree may go either way. Statistics (min/max per row group) cost a
 * comparison per value; they are kept only where a query's filter can skip row groups by them.
 */
export interface ParquetColumn<T> {
  readonly element: SchemaElement;
  /** 'auto': chosen per row group from a sample of the values (column-chunk.ts). */
  readonly encoding: 'PLAIN' | 'RLE_DICTIONARY' | 'auto';
  readonly statistics: boolean;
  /** The row's value: an integer as an exact number below 2^53, else a bigint; null for NULL. Absent for a column made from another. */
  readonly value?: (row: T) => unknown;
  /**
   * The same value read from row `i` of a decoded format-2 block, without an entry
   * (parquet/column-buffers.ts); 'path': the row's full path bytes, copied by the
   * column's store. Absent for the errors table, whose rows are never read so.
   */
  readonly fromBlock?: ((block: FrameBlock, i: number) => unknown) | 'path';
  /** A field only a full walk records: `fromBlock` is asked only of a block with the attributes; NULL in a --compact walk's. */
  readonly fullOnly?: boolean;
  /** Not gathered: the UTF-8 of the named column's bytes, made when the group is encoded (column-chunk.ts utf8Page). */
  readonly utf8Of?: string;
  /** Not read from the row: the named column's seconds as microseconds (`micros`), NULL past the TIMESTAMP range. */
  readonly microsOf?: string;
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

/** Seconds as exact as WalkEntry's `*Exact` times as microseconds: a number below 2^53, else a bigint; null past the TIMESTAMP range. */
export function micros(seconds: number | bigint | null): number | bigint | null {
  if (seconds === null || seconds > MAX_TIMESTAMP_SECONDS || seconds < -MAX_TIMESTAMP_SECONDS) return null;
  const us = Number(seconds) * 1_000_000;
  return Number.isSafeInteger(us) ? us : BigInt(seconds) * 1_000_000n;
}

/** st_size and st_blocks are signed in the kernel: a value past INT64 is damage, named rather than wrapped. */
function signed64<V extends number | bigint | null>(value: V, column: string, path: () => string): V {
  if (typeof value === 'bigint' && value > INT64_MAX) throw new RangeError(`${column} ${value} of ${path()} is past 2^63 - 1`);
  return value;
}

/** A block count whose bytes (x 512) stay below 2^53. */
const MAX_EXACT_BLOCKS = Math.floor(Number.MAX_SAFE_INTEGER / 512);

function bytesOfBlocks(blocks: number | bigint | null): number | bigint | null {
  if (blocks === null) return null;
  return typeof blocks === 'number' && blocks <= MAX_EXACT_BLOCKS ? blocks * 512 : BigInt(blocks) * 512n;
}

const entryPath = (e: WalkEntry) => (): string => e.path;

/** A signed 64-bit field read from a block, checked as signed64 does (the entry is made only for the message). */
function signedFromBlock(column: string, read: (block: FrameBlock, i: number) => number | bigint | null) {
  return (block: FrameBlock, i: number): number | bigint | null => {
    const value = read(block, i);
    return typeof value === 'bigint' ? signed64(value, column, () => frameEntry(block, i).path) : value;
  };
}

/** The columns both tables start with: where the entry is and what it is. */
function whereColumns<T extends WalkEntry | WalkEntryError>(): ParquetColumn<T>[] {
  return [
    { element: string('path', 'REQUIRED'), ...PLAIN, utf8Of: 'path_bytes' },
    { element: binary('path_bytes', 'REQUIRED'), ...PLAIN, value: (e) => e.pathBytes, fromBlock: 'path' },
    { element: string('type', 'REQUIRED'), ...DICTIONARY, value: (e) => e.type, fromBlock: (b, i) => ENTRY_TYPE_NAMES[b.types[i]!] },
    { element: int32('depth', 'REQUIRED'), ...DICTIONARY_STATS, value: (e) => e.depth, fromBlock: (b, i) => b.rowDepth(i) },
  ];
}

/**
 * The `entries` table: one row per entry. Values keep their exact types (64-bit
 * integers as INT64/UINT64, path bytes as BINARY); the attributes a `--compact`
 * walk lacks are OPTIONAL and NULL there.
 */
export const ENTRY_COLUMNS: readonly ParquetColumn<WalkEntry>[] = [
  ...whereColumns<WalkEntry>(),
  {
    element: int64('size', 'REQUIRED'),
    ...AUTO_STATS,
    value: (e) => signed64(e.size, 'size', entryPath(e)),
    fromBlock: signedFromBlock('size', (b, i) => b.size(i)),
  },
  {
    element: int64('blocks', 'OPTIONAL'),
    ...AUTO,
    value: (e) => signed64(e.blocks, 'blocks', entryPath(e)),
    fromBlock: signedFromBlock('blocks', (b, i) => b.blocks(i)),
    fullOnly: true,
  },
  {
    element: int64('allocated', 'OPTIONAL'),
    ...AUTO_STATS,
    value: (e) => signed64(bytesOfBlocks(e.blocks), 'allocated', entryPath(e)),
    fromBlock: signedFromBlock('allocated', (b, i) => bytesOfBlocks(b.blocks(i))),
    fullOnly: true,
  },
  { element: uint64('inode', 'REQUIRED'), ...PLAIN, value: (e) => e.inode, fromBlock: (b, i) => b.ino(i) },
  { element: uint64('parent_inode', 'REQUIRED'), ...AUTO, value: (e) => e.parentInode, fromBlock: (b, i) => b.dirs.ino(b.dirOf[i]!) },
  { element: uint64('dev', 'OPTIONAL'), ...DICTIONARY, value: (e) => e.dev, fromBlock: (b, i) => b.dev(i), fullOnly: true },
  { element: uint32('mode', 'OPTIONAL'), ...DICTIONARY, value: (e) => e.mode, fromBlock: (b, i) => b.attr(i, Field.mode), fullOnly: true },
  { element: uint32('uid', 'OPTIONAL'), ...DICTIONARY_STATS, value: (e) => e.uid, fromBlock: (b, i) => b.attr(i, Field.uid), fullOnly: true },
  { element: uint32('gid', 'OPTIONAL'), ...DICTIONARY_STATS, value: (e) => e.gid, fromBlock: (b, i) => b.attr(i, Field.gid), fullOnly: true },
  { element: uint32('nlink', 'OPTIONAL'), ...DICTIONARY, value: (e) => e.nlink, fromBlock: (b, i) => b.attr(i, Field.nlink), fullOnly: true },
  { element: timestamp('mtime'), ...AUTO_STATS, microsOf: 'mtime_s' },
  { element: timestamp('atime'), ...AUTO, microsOf: 'atime_s' },
  { element: timestamp('ctime'), ...AUTO, microsOf: 'ctime_s' },
  { element: int64('mtime_s', 'REQUIRED'), ...AUTO_STATS, value: (e) => e.mtimeExact, fromBlock: (b, i) => b.mtime(i) },
  { element: int64('atime_s', 'OPTIONAL'), ...AUTO, value: (e) => e.atimeExact, fromBlock: (b, i) => b.sinceMtime(i, 2), fullOnly: true },
  { element: int64('ctime_s', 'OPTIONAL'), ...AUTO, value: (e) => e.ctimeExact, fromBlock: (b, i) => b.sinceMtime(i, 3), fullOnly: true },
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
