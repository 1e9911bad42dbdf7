// Loaded only by `pwalk-ts sql` (it loads DuckDB's native binding, which other commands do not pay for).
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTypeId,
  DuckDBUnionValue,
  type DuckDBResult,
  type DuckDBValue,
} from '@duckdb/node-api';
import { writeChunk, type CliIo } from '../io.js';
import { exactJson, JsonNumberText } from './exact-json.js';
import { quotedField } from './record-formats.js';
import { escapeControls } from './terminal-text.js';

export type SqlOutputFormat = 'table' | 'json' | 'csv';

/** Output is gathered into chunks of about this size before a write. */
const CHUNK_BYTES = 256 * 1024;
/** The table's column widths come from this many first rows; later, longer values widen their row only. */
const TABLE_WIDTH_ROWS = 1000;

const NUMERIC_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
  DuckDBTypeId.BIGNUM,
]);

/** A failure inside DuckDB while the result is being computed (the query is evaluated lazily, chunk by chunk). */
export class SqlQueryError extends Error {
  override readonly name = 'SqlQueryError';
}

/** Rows of the result, a chunk at a time; DuckDB's errors become SqlQueryError. */
async function* resultRows(result: DuckDBResult): AsyncGenerator<DuckDBValue[][]> {
  const rows = result.yieldRows();
  for (;;) {
    let next: IteratorResult<DuckDBValue[][]>;
    try {
      next = await rows.next();
    } catch (cause) {
      throw new SqlQueryError((cause as Error).message, { cause });
    }
    if (next.done === true) return;
    yield next.value;
  }
}

/** Writes a query's result to stdout in `format`, streamed chunk by chunk. Returns the row count. */
export async function writeResult(result: DuckDBResult, format: SqlOutputFormat, io: CliIo): Promise<number> {
  const out = new ChunkedOutput(io);
  const names = result.deduplicatedColumnNames();
  let count = 0;
  if (format === 'table') {
    const numeric = result.columnTypes().map((t) => NUMERIC_TYPES.has(t.typeId));
    const table = new TableOutput(names, numeric, out);
    for await (const rows of resultRows(result)) {
      for (const row of rows) await table.add(row.map(tableText));
      count += rows.length;
    }
    await table.end();
    await out.write(`(${count} ${count === 1 ? 'row' : 'rows'})\n`);
  } else if (format === 'json') {
    const keys = names.map((n) => JSON.stringify(n) + ':');
    for await (const rows of resultRows(result)) {
      for (const row of rows) {
        await out.write(`${count === 0 ? '[\n' : ',\n'}{${row.map((v, i) => keys[i] + exactJson(jsonValue(v))).join(',')}}`);
        count++;
      }
    }
    await out.write(count === 0 ? '[]\n' : '\n]\n');
  } else {
    await out.write(names.map((n) => quotedField(Buffer.from(n))).join(',') + '\r\n');
    for await (const rows of resultRows(result)) {
      for (const row of rows) await out.write(Buffer.concat([...row.flatMap((v, i) => (i === 0 ? [csvField(v)] : [COMMA, csvField(v)])), CRLF]));
      count += rows.length;
    }
  }
  await out.flush();
  return count;
}

const COMMA = Buffer.from(',');
const CRLF = Buffer.from('\r\n');

/**
 * One value for the JSON writer: integers of any size (BIGINT, UBIGINT, HUGEINT) and
 * DECIMALs as exact JSON numbers, BLOBs as base64 strings, NaN and infinities as
 * strings (JSON has no such numbers), nested lists and structs as arrays and
 * objects, maps as arrays of {key, value}, every other type (dates, times,
 * intervals, UUIDs) as DuckDB's text for it.
 */
export function jsonValue(v: DuckDBValue): unknown {
  if (v === null) return null;
  switch (typeof v) {
    case 'boolean':
    case 'bigint':
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
  }
  if (v instanceof DuckDBBlobValue) return Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength).toString('base64');
  if (v instanceof DuckDBDecimalValue) return new JsonNumberText(v.toString());
  if (v instanceof DuckDBListValue || v instanceof DuckDBArrayValue) return v.items.map(jsonValue);
  if (v instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, jsonValue(x)]));
  if (v instanceof DuckDBMapValue) return v.entries.map((e) => ({ key: jsonValue(e.key), value: jsonValue(e.value) }));
  if (v instanceof DuckDBUnionValue) return jsonValue(v.value);
  return v.toString();
}

/** An RFC 4180 field: NULL is empty, text always quoted (so '' differs from NULL), BLOBs as their exact bytes. */
function csvField(v: DuckDBValue): Buffer {
  if (v === null) return Buffer.alloc(0);
  if (typeof v === 'string') return quotedField(Buffer.from(v));
  if (v instanceof DuckDBBlobValue) return quotedField(v.bytes);
  if (typeof v === 'object' && !(v instanceof DuckDBDecimalValue)) return quotedField(Buffer.from(v.toString()));
  return Buffer.from(String(v));
}

/** Values show as the other commands' tables show names: control characters as \xNN, so a row stays one line. */
function tableText(v: DuckDBValue): string {
  if (v === null) return 'NULL';
  return escapeControls(typeof v === 'object' ? v.toString() : String(v));
}

/** Text width in code points (what a terminal shows for most names). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * An aligned table: header, rule, rows (numbers right-aligned). Widths are taken
 * from the first TABLE_WIDTH_ROWS rows, so a large result streams instead of
 * being held whole; a later, longer value is printed whole and pushes its row out.
 */
class TableOutput {
  private pending: string[][] | null = [];
  private widths: number[];

  constructor(
    private readonly names: readonly string[],
    private readonly numeric: readonly boolean[],
    private readonly out: ChunkedOutput,
  ) {
    this.widths = names.map(width);
  }

  async add(cells: string[]): Promise<void> {
    if (this.pending === null) return this.out.write(this.line(cells));
    this.pending.push(cells);
    if (this.pending.length >= TABLE_WIDTH_ROWS) await this.release();
  }

  async end(): Promise<void> {
    if (this.pending !== null) await this.release();
  }

  private async release(): Promise<void> {
    const rows = this.pending ?? [];
    this.pending = null;
    for (const row of rows) row.forEach((c, i) => (this.widths[i] = Math.max(this.widths[i]!, width(c))));
    await this.out.write(this.line([...this.names]));
    await this.out.write(this.widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
    for (const row of rows) await this.out.write(this.line(row));
  }

  private line(cells: string[]): string {
    const last = cells.length - 1;
    return (
      cells
        .map((c, i) => {
          const pad = ' '.repeat(Math.max(0, this.widths[i]! - width(c)));
          if (this.numeric[i]) return pad + c;
          return i === last ? c : c + pad;
        })
        .join('  ') + '\n'
    );
  }
}

/** Gathers output into large writes, waiting for stdout to drain. */
class ChunkedOutput {
  private parts: Buffer[] = [];
  private size = 0;

  constructor(private readonly io: CliIo) {}

  async write(part: string | Buffer): Promise<void> {
    const buf = typeof part === 'string' ? Buffer.from(part) : part;
    this.parts.push(buf);
    this.size += buf.length;
    if (this.size >= CHUNK_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const chunk = Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    await writeChunk(this.io.stdout, chunk);
  }
}
