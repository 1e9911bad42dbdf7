import { ParquetWriter, type KeyValue } from 'hyparquet-writer';
import { parquetSchema, type ParquetColumn } from './columns.js';
import { ParquetFileSink } from './file-sink.js';
import { relocateRowGroup, type EncodedRowGroup } from './row-group-encoder.js';

const CREATED_BY = '@pwalk-ts/reader (hyparquet-writer)';

/**
 * A Parquet file put together from row groups encoded elsewhere (`RowGroupEncoder`, in
 * this thread or a worker), appended in the order they are given; the footer is
 * written by hyparquet-writer from their metadata, moved to where each group landed.
 * The target appears complete or not at all (ParquetFileSink).
 */
export class RowGroupFile {
  private readonly sink: ParquetFileSink;
  private readonly parquet: ParquetWriter;

  /** Refuses (ExportError EXISTS) when `target` exists and `overwrite` is false. */
  constructor(target: string, overwrite: boolean, columns: readonly ParquetColumn<unknown>[], kvMetadata: KeyValue[]) {
    this.sink = new ParquetFileSink(target, overwrite);
    try {
      this.parquet = new ParquetWriter({
        writer: this.sink,
        schema: parquetSchema(columns),
        kvMetadata,
        createdBy: CREATED_BY,
      });
    } catch (err) {
      this.sink.discard();
      throw err;
    }
  }

  /** Rows appended so far. */
  get rows(): number {
    return Number(this.parquet.num_rows);
  }

  append(group: EncodedRowGroup): void {
    relocateRowGroup(group.rowGroup, this.sink.offset);
    this.sink.appendChunk(group.bytes);
    this.parquet.row_groups.push(group.rowGroup);
    this.parquet.num_rows += group.rowGroup.num_rows;
  }

  /** Writes the footer and puts the file in place; returns its size. */
  commit(): number {
    void this.parquet.finish();
    this.sink.commit();
    return this.sink.offset;
  }

  /** Removes the temporary file (after a failure); never throws. */
  discard(): void {
    this.sink.discard();
  }
}
