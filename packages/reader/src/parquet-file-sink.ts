import { closeSync, existsSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ByteWriter } from 'hyparquet-writer';
import { ExportError, ExportErrorCode, systemErrorText } from './errors.js';

/** Bytes gathered before one write to the file. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * hyparquet-writer's byte writer, spilled to a file: at most about CHUNK_BYTES (plus
 * the one value being appended) stays in memory. The bytes go to a temporary file
 * beside the target (`.NAME.PID.tmp`), which `commit` fsyncs and renames onto the
 * target, so the target is either absent, its previous content, or complete.
 */
export class ParquetFileSink extends ByteWriter {
  private readonly tmp: string;
  private fd: number;

  /** Opens the temporary file; refuses (EXISTS) when `target` exists and `overwrite` is false. */
  constructor(
    readonly target: string,
    private readonly overwrite: boolean,
  ) {
    super(2 * CHUNK_BYTES);
    if (!overwrite && existsSync(target)) {
      throw new ExportError(ExportErrorCode.EXISTS, `${target} exists`, target);
    }
    this.tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    try {
      this.fd = openSync(this.tmp, 'wx', 0o644);
    } catch (cause) {
      throw writeError(this.tmp, 'create', cause);
    }
  }

  override ensure(size: number): void {
    if (this.index >= CHUNK_BYTES) this.flush();
    super.ensure(size);
  }

  /** Writes what is buffered. hyparquet-writer also calls it after each row group. */
  flush(): void {
    let written = 0;
    try {
      while (written < this.index) written += writeSync(this.fd, new Uint8Array(this.buffer, written, this.index - written));
    } catch (cause) {
      throw writeError(this.tmp, 'write', cause);
    }
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }

  /** fsync, close and rename onto the target. Only the rename can replace an existing target, and only when asked to. */
  commit(): void {
    try {
      fsyncSync(this.fd);
    } catch (cause) {
      throw writeError(this.tmp, 'sync', cause);
    }
    this.close();
    if (!this.overwrite && existsSync(this.target)) {
      throw new ExportError(ExportErrorCode.EXISTS, `${this.target} appeared during the export`, this.target);
    }
    try {
      renameSync(this.tmp, this.target);
    } catch (cause) {
      throw writeError(this.target, 'rename to', cause);
    }
  }

  /** Removes the temporary file (after a failure); never throws. */
  discard(): void {
    try {
      this.close();
      unlinkSync(this.tmp);
    } catch {
      // the failure being reported matters more than a temporary file that would not close or is already gone
    }
  }

  private close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    try {
      closeSync(fd);
    } catch (cause) {
      throw writeError(this.tmp, 'close', cause);
    }
  }
}

function writeError(file: string, what: string, cause: unknown): ExportError {
  return new ExportError(ExportErrorCode.WRITE, `cannot ${what} ${file}: ${systemErrorText(cause)}`, file, { cause });
}
