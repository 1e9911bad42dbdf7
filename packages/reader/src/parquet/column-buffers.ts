import type { ColumnSource } from 'hyparquet-writer';
import type { ParquetColumn } from './columns.js';

/** Where one column's values wait for their row group. */
interface ColumnStore {
  set(at: number, value: unknown): void;
  /** The first `rows` values as hyparquet-writer column data; the store is then empty. */
  take(rows: number): ColumnSource['data'];
}

/** Any value (strings, byte arrays, 32-bit numbers, nulls): a plain array. */
class ArrayStore implements ColumnStore {
  private readonly values: unknown[];

  constructor(private readonly capacity: number) {
    this.values = new Array<unknown>(capacity).fill(null);
  }

  set(at: number, value: unknown): void {
    this.values[at] = value;
  }

  take(rows: number): unknown[] {
    return rows === this.capacity ? this.values : this.values.slice(0, rows);
  }
}

/**
 * A 64-bit integer column: a BigInt64Array (or BigUint64Array for UINT_64), with the
 * rows that are NULL listed aside. Perf: a plain array would keep a row group's worth of
 * heap BigInts alive until the group is written, long enough for the garbage collector
 * to promote and then sweep every one of them; the typed array holds the 8 bytes and
 * lets each BigInt die young.
 */
class BigIntStore implements ColumnStore {
  private readonly values: BigInt64Array | BigUint64Array;
  private nullRows: number[] = [];

  constructor(capacity: number, unsigned: boolean) {
    this.values = unsigned ? new BigUint64Array(capacity) : new BigInt64Array(capacity);
  }

  set(at: number, value: unknown): void {
    if (value === null) this.nullRows.push(at);
    else this.values[at] = value as bigint;
  }

  take(rows: number): ColumnSource['data'] {
    const values = this.values.subarray(0, rows);
    if (this.nullRows.length === 0) return values;
    // A group with NULLs (a --compact walk, a time past the TIMESTAMP range): hyparquet-writer
    // reads NULL only from a plain array.
    const withNulls: (bigint | null)[] = Array.from(values);
    for (const at of this.nullRows) withNulls[at] = null;
    this.nullRows = [];
    return withNulls;
  }
}

/** Values looked at to choose a column's encoding. */
const ENCODING_SAMPLE = 2048;
/**
 * Above this share of distinct values in the sample, a dictionary cannot halve a 64-bit
 * column (8 bytes per distinct value plus an index per row), the bar hyparquet-writer sets.
 */
const DICTIONARY_MAX_DISTINCT = 0.3;

/**
 * A dictionary for a column whose values repeat (sizes, times and parent inodes on a real
 * filesystem mostly do), PLAIN otherwise. Perf: hyparquet-writer's own choice builds the
 * whole dictionary (a Map over every value) before it finds a column does not repeat
 * enough, a sixth of an export's time on a tree of unique times; the sample decides in
 * a few microseconds. A sample sees fewer repeats than the column holds, so a borderline
 * column is written PLAIN.
 */
function sampledEncoding(values: ColumnSource['data']): 'PLAIN' | 'RLE_DICTIONARY' {
  const n = values.length;
  const sample = Math.min(n, ENCODING_SAMPLE);
  if (sample === 0) return 'PLAIN';
  const distinct = new Set<unknown>();
  for (let i = 0; i < sample; i++) distinct.add(values[Math.floor((i * n) / sample)]);
  return distinct.size > sample * DICTIONARY_MAX_DISTINCT ? 'PLAIN' : 'RLE_DICTIONARY';
}

function storeFor(column: ParquetColumn<unknown>, capacity: number): ColumnStore {
  const { type, converted_type } = column.element;
  // hyparquet-writer converts TIMESTAMP values itself (into a new array), so a typed array would not spare it a thing.
  if (type !== 'INT64' || converted_type === 'TIMESTAMP_MICROS') return new ArrayStore(capacity);
  return new BigIntStore(capacity, converted_type === 'UINT_64');
}

/**
 * One row group's values, gathered column by column. Perf: the stores are allocated
 * once, at the row group's size, and refilled in place for every group: no push, no
 * splice, no new arrays per group.
 */
export class ColumnBuffers<T> {
  private readonly stores: ColumnStore[];
  private count = 0;

  constructor(
    private readonly columns: readonly ParquetColumn<T>[],
    readonly capacity: number,
  ) {
    this.stores = columns.map((c) => storeFor(c as ParquetColumn<unknown>, capacity));
  }

  get rows(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /**
   * Adds rows from `batch[from]` on until the group is full; returns the index of the
   * first row not added. Perf: column by column, so each loop calls one getter (a
   * monomorphic call site) over the batch.
   */
  add(batch: readonly T[], from: number): number {
    const end = Math.min(batch.length, from + this.capacity - this.count);
    for (let c = 0; c < this.columns.length; c++) {
      const value = this.columns[c]!.value;
      const store = this.stores[c]!;
      for (let i = from, at = this.count; i < end; i++, at++) store.set(at, value(batch[i]!));
    }
    this.count += end - from;
    return end;
  }

  /**
   * The gathered rows as hyparquet-writer column data, and the buffers emptied for the
   * next group. The data is valid until the next `add`: ParquetWriter.write copies what
   * it keeps.
   */
  take(): ColumnSource[] {
    const rows = this.count;
    this.count = 0;
    const data = this.stores.map((store) => store.take(rows));
    return this.columns.map((c, i): ColumnSource => ({
      name: c.element.name,
      data: data[i]!,
      nullable: c.element.repetition_type !== 'REQUIRED',
      encoding: c.encoding === 'auto' ? sampledEncoding(data[i]!) : c.encoding,
      statistics: c.statistics,
    }));
  }
}
