import type { ParquetWriter } from 'hyparquet-writer';
import { snappyCompressor } from 'hysnappy';
import { ChunkWriter, utf8Page, type ColumnChunk } from './column-chunk.js';
import type { ColumnData } from './column-values.js';
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

/** One row group's gathered values (ColumnBuffers.data), to encode here or in a worker. */
export interface GatheredRowGroup {
  readonly rows: number;
  readonly columns: readonly (ColumnData | null)[];
  /** The buffers the columns are in, when they are to be transferred (else none). */
  readonly buffers: readonly ArrayBuffer[];
}

/**
 * Encodes gathered row groups: pages written straight from the typed columns, one
 * data page per column chunk (DATA_PAGE_V2, Snappy), a dictionary page first where
 * the column is dictionary-encoded. Perf: the scratch and the group's byte buffer are
 * reused from group to group.
 */
export class RowGroupEncoder<T> {
  private readonly chunks: ChunkWriter;

  constructor(
    private readonly columns: readonly ParquetColumn<T>[],
    capacity: number,
  ) {
    this.chunks = new ChunkWriter(capacity, snappy);
  }

  encode(group: GatheredRowGroup): EncodedRowGroup {
    const { rows, columns: data } = group;
    this.chunks.startGroup();
    const chunks = this.columns.map((c, i): ColumnChunk => {
      const column = c as ParquetColumn<unknown>;
      const values = data[i];
      if (values?.kind === 'integer') return this.chunks.integers(column, values, rows);
      if (values?.kind === 'string') return this.chunks.strings(column, values, rows);
      if (values?.kind === 'bytes') return this.chunks.bytes(column, values.page, rows);
      const source = data[this.columns.findIndex((s) => s.element.name === column.utf8Of)];
      if (source?.kind !== 'bytes') throw new TypeError(`column ${column.element.name}: no bytes column ${column.utf8Of}`);
      return this.chunks.bytes(column, utf8Page(source), rows);
    });
    let uncompressed = 0n;
    for (const chunk of chunks) uncompressed += chunk.meta_data!.total_uncompressed_size;
    const out = this.chunks.out;
    const rowGroup: RowGroup = { columns: chunks, total_byte_size: uncompressed, num_rows: BigInt(rows), total_compressed_size: BigInt(out.length) };
    return { bytes: out.view().slice(), rowGroup };
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
