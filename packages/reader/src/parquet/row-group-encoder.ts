import type { ParquetWriter } from 'hyparquet-writer';
import { snappyCompressor } from 'hysnappy';
import { ColumnBuffers } from './column-buffers.js';
import { ChunkWriter, utf8Page, type ColumnChunk } from './column-chunk.js';
import { BytesValues, IntegerValues, StringValues } from './column-values.js';
import type { ParquetColumn } from './columns.js';

type RowGroup = ParquetWriter['row_groups'][number];

/**
 * One row group encoded on its own: its bytes, and its metadata with every offset
 * counted from the first of those bytes, so that it can be encoded in any thread and
 * placed at any offset of a file (`relocateRowGroup`). Cloneable (postMessage); the
 * bytes have a buffer of their own, to transfer.
 */
export interface EncodedRowGroup {
  readonly bytes: Uint8Array;
  readonly rowGroup: RowGroup;
}

/** Compresses a page (Snappy, the file's codec). */
export type Compress = (bytes: Uint8Array) => Uint8Array;

/**
 * Perf: hysnappy is Google's Snappy compiled to wasm, twice the speed of the JS codec
 * hyparquet-writer ships (4 MiB of walk records: 8 ms against 17-19 ms).
 */
export function snappy(): Compress {
  return snappyCompressor();
}

/**
 * Gathers rows (`buffers.add`) and encodes them as row groups: pages written straight
 * from the typed stores, one data page per column chunk (DATA_PAGE_V2, Snappy), a
 * dictionary page first where the column is dictionary-encoded. Perf: the stores, the
 * scratch and the group's byte buffer are reused from group to group.
 */
export class RowGroupEncoder<T> {
  readonly buffers: ColumnBuffers<T>;
  private readonly chunks: ChunkWriter;

  constructor(
    private readonly columns: readonly ParquetColumn<T>[],
    capacity: number,
  ) {
    this.buffers = new ColumnBuffers(columns, capacity);
    this.chunks = new ChunkWriter(capacity, snappy());
  }

  /** Encodes the rows gathered (the buffers are then empty). */
  encode(): EncodedRowGroup {
    const rows = this.buffers.rows;
    this.chunks.startGroup();
    const values = this.buffers.values;
    const chunks = this.columns.map((c, i): ColumnChunk => {
      const column = c as ParquetColumn<unknown>;
      const store = values[i];
      if (store instanceof IntegerValues) return this.chunks.integers(column, store, rows);
      if (store instanceof StringValues) return this.chunks.strings(column, store, rows);
      if (store instanceof BytesValues) return this.chunks.bytes(column, store.data.view(), rows);
      const source = values[this.columns.findIndex((s) => s.element.name === column.utf8Of)];
      if (!(source instanceof BytesValues)) throw new TypeError(`column ${column.element.name}: no bytes column ${column.utf8Of}`);
      return this.chunks.bytes(column, utf8Page(source), rows);
    });
    this.buffers.clear();
    let uncompressed = 0n;
    for (const chunk of chunks) uncompressed += chunk.meta_data!.total_uncompressed_size;
    const rowGroup: RowGroup = {
      columns: chunks,
      total_byte_size: uncompressed,
      num_rows: BigInt(rows),
      total_compressed_size: BigInt(this.chunks.out.length),
    };
    return { bytes: this.chunks.out.view().slice(), rowGroup };
  }
}

/** Moves every file offset the group's metadata holds by `shift` bytes. */
export function relocateRowGroup(rowGroup: RowGroup, shift: number): void {
  const by = BigInt(shift);
  for (const chunk of rowGroup.columns) {
    chunk.file_offset += by;
    const meta = chunk.meta_data;
    if (meta === undefined) continue;
    meta.data_page_offset += by;
    if (meta.dictionary_page_offset !== undefined) meta.dictionary_page_offset += by;
  }
}
