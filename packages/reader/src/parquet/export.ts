import type { KeyValue } from 'hyparquet-writer';
import { ExportError, ExportErrorCode } from '../format/errors.js';
import { ENTRY_COLUMNS, ERROR_COLUMNS, type ParquetColumn } from './columns.js';
import { rowGroupsFromWorkers } from './parallel-row-groups.js';
import { defaultThreads } from '../sdk/helper-threads.js';
import { RowGroupEncoder, type EncodedRowGroup } from './row-group-encoder.js';
import { gatherRowGroups } from './gather-row-groups.js';
import { ColumnBuffers } from './column-buffers.js';
import { RowGroupFile } from './row-group-file.js';
import type { WalkEntryError } from '../sdk/record.js';
import type { EntryBlock } from '../sdk/entry-block.js';
import type { Walk } from '../sdk/walk.js';

export interface ParquetExportOptions {
  /**
   * Rows per row group (default 100 000; the last group holds the rest). Memory is
   * bounded by one row group's column arrays plus one block of records, whatever the
   * walk's size; DuckDB reads row groups in parallel.
   */
  rowGroupSize?: number;
  /** Replace an existing file (default false: the export refuses with ExportError EXISTS). */
  overwrite?: boolean;
  /** Stops the export between batches; the target is left untouched (ExportError ABORTED). */
  signal?: AbortSignal;
  /** As `walk.records()`: 'throw' on a corrupt block, or 'skip' it (listed in `walk.problems`); default: openWalk's. */
  onCorrupt?: 'throw' | 'skip';
  /**
   * Threads the export uses, this one included (entries only; the file is the same for
   * any number): 1, this thread alone; N, this thread reads the walk and gathers the
   * row groups and N - 1 worker threads encode them. Default: defaultThreads (one per
   * idle core, up to 3, for a walk past 16 MiB of thread files), else 1.
   */
  workers?: number;
}

export interface ParquetExportResult {
  readonly file: string;
  readonly rows: number;
  /** Size of the file written. */
  readonly bytes: number;
}

const DEFAULT_ROW_GROUP_SIZE = 100_000;
/** Error records are few; they are gathered into batches of this many before being added. */
const ERROR_BATCH = 4096;
/**
 * Perf: one thread reads the walk and gathers every row group, which takes about as
 * long as encoding them (1 M entries: 1.0 against 0.7 CPU-s), so past two encoding
 * threads the reading one bounds the export.
 */
const MAX_THREADS = 3;

/**
 * Writes every entry of a walk to a Parquet file (the `entries` table: columns in
 * ENTRY_COLUMNS, README "Parquet export"), streaming: one row group in memory at a
 * time. The file appears complete or not at all (temporary file, fsync, rename).
 * Rows come in file order. Throws ExportError (EXISTS, WRITE, ABORTED, VALUE_RANGE)
 * or the reader's WalkFormatError.
 */
export async function exportParquet(walk: Walk, file: string, options: ParquetExportOptions = {}): Promise<ParquetExportResult> {
  const blocks = walk.entryBlocks({ onCorrupt: options.onCorrupt ?? walk.onCorrupt });
  return writeTable(walk, file, 'entries', ENTRY_COLUMNS, entryRowGroups(walk, blocks, options), options);
}

/** The two tables exportParquetTables writes. */
export interface ParquetTablesResult {
  readonly entries: ParquetExportResult;
  readonly errors: ParquetExportResult;
}

/**
 * Writes the `entries` table to `files.entries` and the `errors` table to
 * `files.errors` from ONE pass over the walk: each equal to its own export
 * (exportParquet, exportErrorsParquet), each file complete or absent. Perf: the errors
 * table alone read and decoded the whole walk again for its few records, a fifth of
 * staging a walk for `sql`. Memory: a row group of each table at a time.
 */
export async function exportParquetTables(
  walk: Walk,
  files: { entries: string; errors: string },
  options: ParquetExportOptions = {},
): Promise<ParquetTablesResult> {
  const errors = new RowGroupFile(files.errors, options.overwrite ?? false, ERROR_COLUMNS as readonly ParquetColumn<unknown>[], walkMetadata(walk, 'errors'));
  try {
    const errorRows = new ErrorRowGroups(errors, checkedRowGroupSize(options));
    const blocks = errorRowsOf(walk.entryBlocks({ onCorrupt: options.onCorrupt ?? walk.onCorrupt }), errorRows);
    const entries = await writeTable(walk, files.entries, 'entries', ENTRY_COLUMNS, entryRowGroups(walk, blocks, options), options);
    errorRows.flush();
    return { entries, errors: { file: files.errors, rows: errors.rows, bytes: errors.commit() } };
  } catch (err) {
    errors.discard();
    throw err;
  }
}

/** The entries' row groups, encoded in this thread or by workers (ParquetExportOptions.workers). */
function entryRowGroups(walk: Walk, blocks: AsyncIterable<EntryBlock>, options: ParquetExportOptions): AsyncIterable<EncodedRowGroup> {
  const rowGroupSize = checkedRowGroupSize(options);
  const workers = options.workers ?? defaultThreads(walk, MAX_THREADS);
  if (!Number.isSafeInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, not ${workers}`);
  return workers === 1
    ? encodeInThread(ENTRY_COLUMNS, blocks, rowGroupSize, options.signal)
    : rowGroupsFromWorkers(blocks, { rowGroupSize, workers: workers - 1, signal: options.signal });
}

/** `blocks`, each block's error records handed to `errorRows` as it passes. */
async function* errorRowsOf(blocks: AsyncIterable<EntryBlock>, errorRows: ErrorRowGroups): AsyncGenerator<EntryBlock> {
  for await (const block of blocks) {
    if (block.errors.length > 0) errorRows.add(block.errors);
    yield block;
  }
}

/** The errors table's row groups, gathered as error records come and encoded into its file whenever one is full. */
class ErrorRowGroups {
  readonly #buffers: ColumnBuffers<WalkEntryError>;
  readonly #encoder: RowGroupEncoder<WalkEntryError>;
  constructor(
    private readonly out: RowGroupFile,
    rowGroupSize: number,
  ) {
    this.#buffers = new ColumnBuffers(ERROR_COLUMNS, rowGroupSize);
    this.#encoder = new RowGroupEncoder(ERROR_COLUMNS, rowGroupSize);
  }
  add(errors: readonly WalkEntryError[]): void {
    for (let from = 0; from < errors.length;) {
      from = this.#buffers.add(errors, from);
      if (this.#buffers.full) this.flush();
    }
  }
  /** Writes the rows gathered, if any, as a row group. */
  flush(): void {
    const buffers = this.#buffers;
    if (buffers.rows === 0) return;
    this.out.append(this.#encoder.encode({ rows: buffers.rows, columns: buffers.data(), buffers: [] }));
    buffers.clear();
  }
}

/** Writes the walk's error records to a Parquet file (the `errors` table: ERROR_COLUMNS), as `exportParquet` does entries. */
export async function exportErrorsParquet(walk: Walk, file: string, options: ParquetExportOptions = {}): Promise<ParquetExportResult> {
  const groups = encodeInThread(ERROR_COLUMNS, errorBatches(walk, options.onCorrupt), checkedRowGroupSize(options), options.signal);
  return writeTable(walk, file, 'errors', ERROR_COLUMNS, groups, options);
}

async function* errorBatches(walk: Walk, onCorrupt: 'throw' | 'skip' | undefined): AsyncGenerator<WalkEntryError[]> {
  let batch: WalkEntryError[] = [];
  for await (const e of walk.errors({ onCorrupt })) {
    batch.push(e);
    if (batch.length === ERROR_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function checkedRowGroupSize(options: ParquetExportOptions): number {
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  if (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1) throw new RangeError(`rowGroupSize must be a positive integer, not ${rowGroupSize}`);
  return rowGroupSize;
}

/** Row groups of `rowGroupSize` rows (the last holds the rest), encoded in this thread as the batches come. */
async function* encodeInThread<T>(
  columns: readonly ParquetColumn<T>[],
  batches: AsyncIterable<readonly T[] | EntryBlock>,
  rowGroupSize: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<EncodedRowGroup> {
  const encoder = new RowGroupEncoder(columns, rowGroupSize);
  for await (const group of gatherRowGroups(columns, batches, rowGroupSize, signal)) yield encoder.encode(group);
}

async function writeTable<T>(
  walk: Walk,
  file: string,
  table: 'entries' | 'errors',
  columns: readonly ParquetColumn<T>[],
  groups: AsyncIterable<EncodedRowGroup>,
  options: ParquetExportOptions,
): Promise<ParquetExportResult> {
  const out = new RowGroupFile(file, options.overwrite ?? false, columns as readonly ParquetColumn<unknown>[], walkMetadata(walk, table));
  try {
    for await (const group of groups) {
      throwIfAborted(options.signal, file);
      out.append(group);
    }
    throwIfAborted(options.signal, file);
    return { file, rows: out.rows, bytes: out.commit() };
  } catch (err) {
    out.discard();
    if (err instanceof RangeError) throw new ExportError(ExportErrorCode.VALUE_RANGE, `cannot export: ${err.message}`, file, { cause: err });
    throw err;
  }
}

function throwIfAborted(signal: AbortSignal | undefined, file: string): void {
  if (signal?.aborted) throw new ExportError(ExportErrorCode.ABORTED, `export to ${file} stopped`, file, { cause: signal.reason });
}

/** Key-value metadata naming the walk the file came from, so a Parquet file found alone still says what it is. */
function walkMetadata(walk: Walk, table: 'entries' | 'errors'): KeyValue[] {
  const m = walk.manifest;
  const kv: KeyValue[] = [
    { key: 'pwalk-ts.table', value: table },
    { key: 'pwalk-ts.root', value: walk.root.text },
    { key: 'pwalk-ts.root_base64', value: walk.root.bytes.toString('base64') },
    { key: 'pwalk-ts.walk_status', value: walk.status },
  ];
  if (m !== null) {
    kv.push(
      { key: 'pwalk-ts.walk_id', value: m.walkId },
      { key: 'pwalk-ts.walker', value: `${m.tool.name} ${m.tool.version}` },
      { key: 'pwalk-ts.start_time', value: new Date(m.startTime).toISOString() },
    );
    if (m.endTime !== null) kv.push({ key: 'pwalk-ts.end_time', value: new Date(m.endTime).toISOString() });
  }
  return kv;
}
