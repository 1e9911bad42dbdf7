import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { snappyCompressor } from 'hysnappy';
import type { ColumnBuffers } from './column-buffers.js';
import { parquetSchema, type ParquetColumn } from './columns.js';

type RowGroup = ParquetWriter['row_groups'][number];
type PageIndexes = ParquetWriter['pendingIndexes'][number];

/**
 * One row group encoded on its own: its bytes, and its metadata with every offset
 * counted from the first of those bytes, so that it can be encoded in any thread and
 * placed at any offset of a file (`relocateRowGroup`). Cloneable (postMessage).
 */
export interface EncodedRowGroup {
  readonly bytes: Uint8Array;
  readonly rowGroup: RowGroup;
  readonly indexes: PageIndexes[];
}

/** 'PAR1', which every ParquetWriter writes first: the encoded group starts after it. */
const MAGIC_BYTES = 4;
/** A row group of the 1 M-entry corpus is about 5.5 MiB: one growth step for most. */
const INITIAL_BYTES = 4 * 1024 * 1024;

/** The codecs every writer of the export uses. */
export function exportCompressors(): ParquetWriter['compressors'] {
  // Perf: hysnappy is Google's Snappy compiled to wasm, twice the speed of the JS
  // codec hyparquet-writer ships (4 MiB of walk records: 8 ms against 17-19 ms).
  return { SNAPPY: snappyCompressor() };
}

/** Encodes the rows gathered in `buffers` (which are then empty) as one row group. */
export function encodeRowGroup<T>(columns: readonly ParquetColumn<T>[], buffers: ColumnBuffers<T>): EncodedRowGroup {
  const writer = new ByteWriter(INITIAL_BYTES);
  const parquet = new ParquetWriter({ writer, schema: parquetSchema(columns), compressors: exportCompressors() });
  // Perf: pageSize 0 makes each column chunk one page, which spares hyparquet-writer a
  // size estimate per value (about 7% of an export); a page is then one row group's
  // column, bounded by rowGroupSize as the export's own memory is. The writer has no
  // flush, so write() returns no promise to wait for.
  void parquet.write({ columnData: buffers.take(), rowGroupSize: buffers.capacity, pageSize: 0 });
  const rowGroup = parquet.row_groups[0]!;
  const indexes = parquet.pendingIndexes;
  relocateRowGroup(rowGroup, indexes, -MAGIC_BYTES);
  return { bytes: new Uint8Array(writer.buffer, MAGIC_BYTES, writer.offset - MAGIC_BYTES), rowGroup, indexes };
}

/** Moves every file offset the group's metadata holds by `shift` bytes. */
export function relocateRowGroup(rowGroup: RowGroup, indexes: readonly PageIndexes[], shift: number): void {
  const by = BigInt(shift);
  for (const chunk of rowGroup.columns) {
    chunk.file_offset += by;
    const meta = chunk.meta_data;
    if (meta === undefined) continue;
    meta.data_page_offset += by;
    if (meta.dictionary_page_offset !== undefined) meta.dictionary_page_offset += by;
    if (meta.index_page_offset !== undefined) meta.index_page_offset += by;
  }
  for (const { offsetIndex } of indexes) for (const page of offsetIndex?.page_locations ?? []) page.offset += by;
}
