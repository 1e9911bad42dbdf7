import type { FrameBlock } from '../format/frame-entry.js';
import { EntryBlock, frameRowsOfBlock } from '../sdk/entry-block.js';
import { BytesValues, IntegerValues, StringValues, type ColumnData, type ColumnValues } from './column-values.js';
import { micros, type ParquetColumn } from './columns.js';

function valuesFor(column: ParquetColumn<unknown>, capacity: number): ColumnValues | null {
  const { type, converted_type, repetition_type, name } = column.element;
  if (column.utf8Of !== undefined) return null;
  if (type === 'BYTE_ARRAY') return column.encoding === 'PLAIN' ? new BytesValues(capacity, name) : new StringValues(capacity, name);
  if (type !== 'INT32' && type !== 'INT64') throw new TypeError(`column ${name}: no store for ${type}`);
  const unsigned = converted_type === 'UINT_32' || converted_type === 'UINT_64';
  return new IntegerValues(capacity, name, type, unsigned, repetition_type !== 'REQUIRED');
}

/**
 * One row group's values, gathered column by column into typed stores
 * (column-values.ts) that are allocated once, at the row group's size, and refilled
 * for every group.
 */
export class ColumnBuffers<T> {
  /** Per column, its store; null for a column made from another when encoded (ParquetColumn.utf8Of). */
  private values: readonly (ColumnValues | null)[] = [];
  private count = 0;
  /** Whether every gathered column can be read from a block (the entries table's can). */
  private readonly readsBlocks: boolean;
  /** Per column made from another's seconds (ParquetColumn.microsOf): its store and the seconds'. */
  private microColumns: readonly (readonly [IntegerValues, IntegerValues])[] = [];

  constructor(
    private readonly columns: readonly ParquetColumn<T>[],
    readonly capacity: number,
  ) {
    this.readsBlocks = columns.every((c) => c.fromBlock !== undefined || c.value === undefined);
    this.makeStores();
  }

  private makeStores(): void {
    const columns = this.columns;
    this.values = columns.map((c) => valuesFor(c as ParquetColumn<unknown>, this.capacity));
    const byName = (name: string): ColumnValues | null | undefined => this.values[columns.findIndex((c) => c.element.name === name)];
    this.microColumns = columns.flatMap((c, i) => {
      if (c.microsOf === undefined) return [];
      const [to, from] = [this.values[i], byName(c.microsOf)];
      if (!(to instanceof IntegerValues && from instanceof IntegerValues)) throw new TypeError(`column ${c.element.name}: no seconds column ${c.microsOf}`);
      return [[to, from] as const];
    });
  }

  get rows(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /**
   * Adds rows from `batch[from]` on until the group is full; returns the index of the
   * first row not added. `batch` is a walk's block (Walk.entryBlocks, rows of type T)
   * or an array of rows. Perf: column by column, so each loop calls one reader (a
   * monomorphic call site) over the batch; the rows of a format-2 block are read from
   * its columns, with no entry object made.
   */
  add(batch: readonly T[] | EntryBlock, from: number): number {
    const end = Math.min(batch.length, from + this.capacity - this.count);
    const rows = end > from && this.readsBlocks && batch instanceof EntryBlock ? frameRowsOfBlock(batch) : undefined;
    if (rows !== undefined) this.addRows(rows.frame, rows.from + from, end - from);
    else {
      const list = (batch instanceof EntryBlock ? batch.entries : batch) as readonly T[];
      for (let c = 0; c < this.columns.length; c++) {
        const store = this.values[c];
        const value = this.columns[c]!.value;
        if (store === null || store === undefined || value === undefined) continue;
        for (let i = from, at = this.count; i < end; i++, at++) store.set(at, value(list[i]!));
      }
    }
    this.addMicros(this.count, this.count + end - from);
    this.count += end - from;
    return end;
  }

  /**
   * Fills the timestamp columns of rows `from`..`to` from their seconds columns. Perf:
   * the seconds were read once, for the `*_s` columns; reading a time's varints again
   * per timestamp column was a tenth of an export.
   */
  private addMicros(from: number, to: number): void {
    for (const [target, seconds] of this.microColumns) {
      const { numbers, defined } = seconds;
      for (let at = from; at < to; at++) {
        if (defined !== null && defined[at] === 0) target.set(at, null);
        else {
          const s = numbers[at]!;
          target.set(at, micros(s === s ? s : seconds.bigs.get(at)!));
        }
      }
    }
  }

  private addRows(block: FrameBlock, first: number, rows: number): void {
    for (let c = 0; c < this.columns.length; c++) {
      const store = this.values[c];
      const read = this.columns[c]!.fromBlock;
      if (store === null || store === undefined || read === undefined) continue;
      if (read === 'path') {
        const bytes = store as BytesValues;
        for (let k = 0; k < rows; k++) bytes.setFramePath(this.count + k, block, first + k);
      } else if (this.columns[c]!.fullOnly === true && !block.fullAttrs) {
        for (let k = 0; k < rows; k++) store.set(this.count + k, null);
      } else for (let k = 0; k < rows; k++) store.set(this.count + k, read(block, first + k));
    }
  }

  /** The gathered rows as plain data per column (null for a column made when encoded), valid until `clear`. */
  data(): (ColumnData | null)[] {
    return this.values.map((store) => store?.view(this.count) ?? null);
  }

  /**
   * The gathered rows as `data()` gives them, with the buffers they are in, to
   * transfer to another thread; the stores are then new and empty. Perf: posting a
   * copy instead (structured clone) cost the reading thread 0.48 CPU-s for the ten
   * groups of the 1 M-entry corpus, and the encoding thread about as much.
   */
  detach(): { data: (ColumnData | null)[]; buffers: ArrayBuffer[] } {
    const data = this.data();
    const buffers = new Set<ArrayBuffer>();
    for (const column of data) {
      if (column === null) continue;
      const arrays = column.kind === 'integer' ? [column.numbers, column.defined] : column.kind === 'bytes' ? [column.page, column.ends] : [column.indices];
      for (const array of arrays) if (array !== null) buffers.add(array.buffer as ArrayBuffer);
    }
    this.count = 0;
    this.makeStores();
    return { data, buffers: [...buffers] };
  }

  /** Empties the stores for the next group. */
  clear(): void {
    this.count = 0;
    for (const store of this.values) store?.reset();
  }
}
