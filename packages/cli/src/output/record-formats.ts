import { isUtf8 } from 'node:buffer';
import { entryBlockOf, type EntryBlock, type WalkEntry, type WalkEntryError } from '@pwalk-ts/reader';
import { ByteRows } from './byte-rows.js';
import { EntryPathWriter } from './entry-path.js';
import {
  claimRow,
  Column,
  columnSteps,
  literal,
  put,
  putColumns,
  putCsvPath,
  putPlainJsonPath,
  RowFields,
  typeLiterals,
  writeColumns,
  type ColumnStep,
  type FrameRowWriter,
} from './frame-rows.js';
import { scalarJson } from './exact-json.js';

const QUOTE = 0x22;
const COMMA = 0x2c;

/** The `cat` columns, in order: a contract scripts parse (README "Output formats"). */
export const ENTRY_COLUMNS = [
  'path',
  'type',
  'size',
  'blocks',
  'mode',
  'uid',
  'gid',
  'nlink',
  'inode',
  'parentInode',
  'dev',
  'atime',
  'mtime',
  'ctime',
  'depth',
] as const;
export const ERROR_COLUMNS = ['path', 'syscall', 'code'] as const;

/** A path's bytes as base64 when they are not UTF-8 (the `path` string is then a lossy rendering); left out otherwise. */
export function pathBase64(bytes: Uint8Array): string | undefined {
  return isUtf8(bytes) ? undefined : base64Of(bytes);
}

function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Writes the path as a JSON string, byte for byte as JSON.stringify(e.path). Perf: from its bytes when they are UTF-8 (no string made). */
function jsonPath(out: ByteRows, e: WalkEntryError, bytes: Uint8Array, utf8: boolean): void {
  if (utf8) {
    out.byte(QUOTE);
    out.jsonStringBytes(bytes);
    out.byte(QUOTE);
  } else out.utf8(JSON.stringify(e.path));
}

/** Writes the entries' paths; one for this thread's rows, each row written whole before the next. */
export const ENTRY_PATHS = new EntryPathWriter();

/** One `cat --format ndjson` line, of row `i` of block `b`; a path that is not UTF-8 gets pathBase64 (its `path` is then lossy). */
export function writeEntryNdjson(out: ByteRows, b: EntryBlock, i: number): void {
  ENTRY_PATHS.of(b, i);
  const utf8 = ENTRY_PATHS.utf8();
  out.latin1('{"path":');
  if (utf8) {
    out.byte(QUOTE);
    ENTRY_PATHS.jsonString(out);
    out.byte(QUOTE);
  } else out.utf8(JSON.stringify(b.path(i)));
  out.latin1(`,"type":"${b.type(i)}","size":`);
  writeColumns(out, NDJSON_COLUMNS, b, i, 'null');
  if (!utf8) out.latin1(`,"pathBase64":"${base64Of(b.pathBytes(i))}"`);
  out.latin1('}\n');
}

/** Where each ENTRY_COLUMNS integer column is in a format-2 block's row. */
const ENTRY_COLUMN_SOURCES: Readonly<Record<(typeof ENTRY_COLUMNS)[number], Column | null>> = {
  path: null,
  type: null,
  size: Column.size,
  blocks: Column.blocks,
  mode: Column.mode,
  uid: Column.uid,
  gid: Column.gid,
  nlink: Column.nlink,
  inode: Column.ino,
  parentInode: Column.parentInode,
  dev: Column.dev,
  atime: Column.atime,
  mtime: Column.mtime,
  ctime: Column.ctime,
  depth: Column.depth,
};

/** The integer columns of ENTRY_COLUMNS (those after the path and type), each after `separator` but the first. */
function entryColumnSteps(separator: (name: string) => string): readonly ColumnStep[] {
  const integers = ENTRY_COLUMNS.filter((name) => ENTRY_COLUMN_SOURCES[name] !== null);
  return columnSteps(integers.map((name, k) => [k === 0 ? '' : separator(name), ENTRY_COLUMN_SOURCES[name]!]));
}

const NDJSON_OPEN = literal('{"path":"');
const NDJSON_TYPES = typeLiterals('","type":"', '","size":');
const NDJSON_COLUMNS = entryColumnSteps((name) => `,"${name}":`);
const NDJSON_CLOSE = literal('}\n');
/** Where frameNdjsonRow and frameCsvRow read a row's fields; one per thread, a row read whole before the next. */
const FIELDS = new RowFields();

/** writeEntryNdjson's line, from a full format-2 block's columns (frame-rows.ts); a path that is not plain is left to it. */
export const frameNdjsonRow: FrameRowWriter = (out, f, row, facts) => {
  const buf = claimRow(out, f, row, facts, 1);
  let at = putPlainJsonPath(buf, put(buf, out.size, NDJSON_OPEN), f, row, facts);
  if (at < 0) return false;
  at = put(buf, at, NDJSON_TYPES[f.types[row]!]!);
  at = putColumns(buf, at, NDJSON_COLUMNS, f.payload, FIELDS.of(f, row, facts));
  out.moveTo(put(buf, at, NDJSON_CLOSE));
  return true;
};

/** One entry as an ndjson line, for output that is not a stream of rows (find --json). */
export function entryToNdjson(e: WalkEntry): Buffer {
  const out = new ByteRows(512);
  writeEntryNdjson(out, entryBlockOf([e]), 0);
  return out.take();
}

export function writeErrorNdjson(out: ByteRows, e: WalkEntryError): void {
  const bytes = e.pathBytes;
  const utf8 = isUtf8(bytes);
  out.latin1('{"path":');
  jsonPath(out, e, bytes, utf8);
  out.utf8(`,"syscall":${scalarJson(e.syscall)},"code":${scalarJson(e.code)}`);
  if (!utf8) out.latin1(`,"pathBase64":"${base64Of(bytes)}"`);
  out.latin1('}\n');
}

/** An RFC 4180 field holding exact bytes (`from`..`to` of them): always quoted, quotes doubled; newlines stay inside the quotes. */
export function writeQuotedField(out: ByteRows, bytes: Uint8Array, from = 0, to = bytes.length): void {
  out.byte(QUOTE);
  out.csvQuotedBytes(bytes, from, to);
  out.byte(QUOTE);
}

export function quotedField(bytes: Uint8Array): Buffer {
  const out = new ByteRows(bytes.length + 16);
  writeQuotedField(out, bytes);
  return out.take();
}

/** A comma and an integer field: empty for a field a --compact walk lacks. */
export function csvInt(out: ByteRows, v: number | bigint | null): void {
  out.byte(COMMA);
  if (v !== null) out.int(v);
}

export const CSV_ENTRY_HEADER = ENTRY_COLUMNS.join(',') + '\r\n';
export const CSV_ERROR_HEADER = ERROR_COLUMNS.join(',') + '\r\n';

/** One `cat --format csv` row, of row `i` of block `b`. */
export function writeEntryCsv(out: ByteRows, b: EntryBlock, i: number): void {
  ENTRY_PATHS.of(b, i);
  out.byte(QUOTE);
  ENTRY_PATHS.csvQuoted(out);
  out.byte(QUOTE);
  out.latin1(`,${b.type(i)},`);
  writeColumns(out, CSV_COLUMNS, b, i, '');
  out.latin1('\r\n');
}

const CSV_TYPES = typeLiterals('",', ',');
const CSV_COLUMNS = entryColumnSteps(() => ',');
const CSV_END = literal('\r\n');

/** writeEntryCsv's row, from a full format-2 block's columns (frame-rows.ts). */
export const frameCsvRow: FrameRowWriter = (out, f, row, facts) => {
  const buf = claimRow(out, f, row, facts, 2);
  let at = out.size;
  buf[at++] = QUOTE;
  at = putCsvPath(buf, at, f, row, facts);
  at = put(buf, at, CSV_TYPES[f.types[row]!]!);
  at = putColumns(buf, at, CSV_COLUMNS, f.payload, FIELDS.of(f, row, facts));
  out.moveTo(put(buf, at, CSV_END));
  return true;
};

export function writeErrorCsv(out: ByteRows, e: WalkEntryError): void {
  writeQuotedField(out, e.pathBytes);
  out.utf8(`,${e.syscall},${e.code}\r\n`);
}
