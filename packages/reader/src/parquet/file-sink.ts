import { ByteWriter } from 'hyparquet-writer';
import { OutputFile } from '../output/output-file.js';

/** Bytes gathered before one write to the file. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * hyparquet-writer's byte writer, spilled to an `OutputFile`: at most about
 * CHUNK_BYTES (plus the one value being appended) stays in memory, and the target is
 * either absent, its previous content, or complete.
 */
export class ParquetFileSink extends ByteWriter {
  private readonly file: OutputFile;

  /** Refuses (EXISTS) when `target` exists and `overwrite` is false; see OutputFile. */
  constructor(target: string, overwrite: boolean) {
    super(2 * CHUNK_BYTES);
    this.file = new OutputFile(target, overwrite);
  }

  override ensure(size: number): void {
    if (this.index >= CHUNK_BYTES) this.flush();
    super.ensure(size);
  }

  /** Appends `bytes` (an encoded row group) straight to the file, past what is buffered. */
  appendChunk(bytes: Uint8Array): void {
    this.flush();
    this.file.write(bytes);
    this.offset += bytes.length;
  }

  /** Writes what is buffered. hyparquet-writer also calls it after each row group. */
  flush(): void {
    this.file.write(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }

  /** Puts the file in place (OutputFile.commit). */
  commit(): void {
    this.file.commit();
  }

  /** Removes the temporary file (after a failure); never throws. */
  discard(): void {
    this.file.discard();
  }
}
