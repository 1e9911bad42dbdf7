import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FORMAT_VERSION, FrameBuffer, encodeFileHeader, threadFileName } from '@pwalk-ts/reader/format';
import type { ThreadFileSummary } from '@pwalk-ts/reader';

/**
 * One worker's output: a thread file opened exclusively, its header, and the
 * FrameBuffer whose full blocks are written straight to it. No locks: each
 * worker owns its file.
 */
export class ThreadFileWriter {
  readonly records: FrameBuffer;
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
    /** Multi-host walks name files by host as well as thread. */
    name: string = threadFileName(thread),
  ) {
    this.name = name;
    this.fd = openSync(join(dir, this.name), 'wx', 0o644);
    this.writeAll(encodeFileHeader({ ...header, thread, version: FORMAT_VERSION }));
    this.records = new FrameBuffer(
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
    return this.summary();
  }

  private summary(): ThreadFileSummary {
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

  /**
   * A multi-host job's commit point: the buffered records become a block and reach
   * the disk, so the summary returned can be committed in Redis as this file's
   * durable extent. The file stays open.
   */
  checkpoint(): ThreadFileSummary {
    this.records.flush();
    fdatasyncSync(this.fd);
    return this.summary();
  }

  /**
   * Cuts the file back to an earlier checkpoint, right after a later checkpoint (the
   * buffer is empty then): the job's records are not this file's to keep, because
   * another attempt committed the job or the walk ended first.
   */
  rollback(to: ThreadFileSummary): void {
    ftruncateSync(this.fd, to.bytes);
    this.bytes = to.bytes;
    this.blocks = to.blocks;
    this.recordCount = to.records;
    this.errorCount = to.errors;
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
    // Positioned writes: after a rollback the file ends where `bytes` says, not where the descriptor's offset was left.
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, this.bytes + done);
    this.bytes += data.length;
  }
}
