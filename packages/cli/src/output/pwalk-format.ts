import type { DirectChildTotals, EntryBlock } from '@pwalk-ts/reader';
import { EntryType, varintAt } from '@pwalk-ts/reader/format';
import type { ByteRows } from './byte-rows.js';
import { writeDecimal, writeOctal } from './digits.js';
import {
  claimRow,
  Column,
  columnSteps,
  literal,
  put,
  putColumns,
  putCsvPath,
  putCsvQuoted,
  RowFields,
  writeColumns,
  type FrameRowWriter,
} from './frame-rows.js';
import { csvInt, ENTRY_PATHS } from './record-formats.js';

const COMMA = 0x2c;
const NEWLINE = 0x0a;

/**
 * Rows byte-compatible with pwalk 3.0's CSV (fizwit/filesystem-reporting-tools), so
 * pwalk pipelines keep working. Deliberate differences, all fixes of pwalk bugs:
 * a name's newlines stay inside its quoted field (pwalk deletes them), every row
 * computes its own extension (pwalk could repeat the previous row's), and paths
 * have no length limit.
 */
export const PWALK_HEADER =
  'inode,parent-inode,directory-depth,"filename","fileExtension",UID,GID,st_size,st_dev,st_blocks,st_nlink,"st_mode",st_atime,st_mtime,st_ctime,pw_fcount,pw_dirsum\n';

/**
 * Where pwalk's extension starts in the name (bytes `from`..`to` of `name`, no '/' in
 * it; for an entry read other than from a format-2 walk the whole path, hence the stop
 * at '/'): after the last '.' (a leading dot included); the end (nothing) for
 * directories, for the root (whose name is not its own) and for a name without a dot.
 */
function extensionStart(name: Uint8Array, from: number, to: number, isDir: boolean, isRoot: boolean): number {
  if (isDir || isRoot) return to;
  for (let i = to - 1; i >= from && name[i] !== 0x2f; i--) if (name[i] === 0x2e) return i + 1;
  return to;
}

/**
 * One pwalk row, of row `i` of block `b`. For a directory pw_fcount is the count of its direct entries and
 * pw_dirsum their st_size sum (from `totals`); -1 and 0 for everything else, as pwalk
 * writes. The root's row has depth -1 and parent inode 0. Only for a full walk (the
 * owner, mode and times are there). Perf: the fields read from the block's columns,
 * the 64-bit ones as exact numbers, not BigInts; the path written from its pieces and
 * the extension from the name (entry-path.ts), no path joined per row.
 */
export function writeEntryPwalk(out: ByteRows, b: EntryBlock, i: number, totals: DirectChildTotals): void {
  const depth = b.depth(i);
  const isDir = b.type(i) === 'dir';
  const p = ENTRY_PATHS.of(b, i);
  writeColumns(out, HEAD_COLUMNS, b, i, '');
  out.bytes(QUOTE_OPEN);
  ENTRY_PATHS.csvQuoted(out);
  out.bytes(FIELD_BETWEEN);
  out.csvQuotedBytes(p.name, extensionStart(p.name, p.nameFrom, p.nameTo, isDir, depth === 0), p.nameTo);
  writeColumns(out, OWNER_COLUMNS, b, i, '');
  out.bytes(QUOTE_OPEN);
  out.octal(b.mode(i)!, 7);
  writeColumns(out, TIME_COLUMNS, b, i, '');
  if (isDir) {
    const children = totals.ofRow(b, i);
    csvInt(out, children.entries);
    csvInt(out, children.bytes);
  } else {
    out.latin1(',-1,0');
  }
  out.byte(0x0a);
}

const HEAD_COLUMNS = columnSteps([
  ['', Column.ino],
  [',', Column.parentInode],
  [',', Column.pwalkDepth],
]);
const OWNER_COLUMNS = columnSteps([
  ['",', Column.uid],
  [',', Column.gid],
  [',', Column.size],
  [',', Column.dev],
  [',', Column.blocks],
  [',', Column.nlink],
]);
const TIME_COLUMNS = columnSteps([
  ['",', Column.atime],
  [',', Column.mtime],
  [',', Column.ctime],
]);
const QUOTE_OPEN = literal(',"');
const FIELD_BETWEEN = literal('","');
const NOT_A_DIRECTORY = literal(',-1,0\n');
/** Where framePwalkRow reads a row's fields; one per thread, a row read whole before the next. */
const FIELDS = new RowFields();

/** writeEntryPwalk's row, from a full format-2 block's columns (frame-rows.ts). */
export function framePwalkRow(totals: DirectChildTotals): FrameRowWriter {
  return (out, f, row, facts, b, i) => {
    const buf = claimRow(out, f, row, facts, 3);
    const p = f.payload;
    const r = FIELDS.of(f, row, facts);
    const isDir = f.types[row] === EntryType.dir;
    let at = putColumns(buf, out.size, HEAD_COLUMNS, p, r);
    at = putCsvPath(buf, put(buf, at, QUOTE_OPEN), f, row, facts);
    at = put(buf, at, FIELD_BETWEEN);
    const nameFrom = f.nameAt[row]!;
    const nameTo = nameFrom + f.nameLength[row]!;
    at = putCsvQuoted(buf, at, p, extensionStart(p, nameFrom, nameTo, isDir, false), nameTo);
    at = putColumns(buf, at, OWNER_COLUMNS, p, r);
    at = writeOctal(buf, put(buf, at, QUOTE_OPEN), varintAt(p, r.varints[Column.mode]!) as number, 7);
    at = putColumns(buf, at, TIME_COLUMNS, p, r);
    if (isDir) {
      const children = totals.ofRow(b, i);
      buf[at++] = COMMA;
      at = writeDecimal(buf, at, children.entries);
      buf[at++] = COMMA;
      at = writeDecimal(buf, at, children.bytes);
      buf[at++] = NEWLINE;
    } else {
      at = put(buf, at, NOT_A_DIRECTORY);
    }
    out.moveTo(at);
    return true;
  };
}
