import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBuffer, encodeFileHeader, threadFileName } from '@pwalk-ts/reader/format';
import type { ThreadFileSummary } from '@pwalk-ts/reader';

/**
 * One worker's output: a thread file opened exclusively, its header, and the
 * RecordBuffer whose full blocks are written straight to it. No locks: each
 * worker owns its file.
 */
export class ThreadFileWriter {
  readonly records: RecordBuffer;
  private readonly fd: number;
  private readonly name: string;
  private bytes = 0;
  private blocks = 0;
  private recordCount = 0;
  private closed = false;
  errorCount = 0;

  constructor(
    dir: string,
    private readonly thread: number,
    private readonly host: string,
    header: { walkId: string; fullAttrs: boolean; blockCapacity: number },
  ) {
    this.name = threadFileName(thread);
    this.fd = openSync(join(dir, this.name), 'wx', 0o644);
    this.writeAll(encodeFileHeader({ ...header, thread }));
    this.records = new RecordBuffer(
      (block, count) => {
        this.writeAll(block);
        this.blocks++;
        this.recordCount += count;
      },
      { capacity: header.blockCapacity, fullAttrs: header.fullAttrs },
    );
  }

  /** Flushes the last block and makes the file durable before the manifest names it. */
  close(): ThreadFileSummary {
    try {
      this.records.flush();
      fsyncSync(this.fd);
    } finally {
      this.release();
    }
    return {
      name: this.name,
      thread: this.thread,
      host: this.host,
      records: this.recordCount,
      errors: this.errorCount,
      blocks: this.blocks,
      bytes: this.bytes,
    };
  }

  /** Closes without flushing, after a write already failed. */
  abandon(): void {
    try {
      this.release();
    } catch {
      // The descriptor is already unusable; the failure that brought us here is what gets reported.
    }
  }

  /** Closes the descriptor once: a second close could hit a number another thread has reopened since. */
  private release(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private writeAll(data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done);
    this.bytes += data.length;
  }
}
