import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { WalkErrorCode, WalkFormatError } from '../format/errors.js';
import { BLOCK_HEADER_SIZE, BLOCK_MAGIC, BlockHeaderOffset } from '../format/layout.js';
import type { WalkEntry } from './record.js';
import { RecordBuffer } from '../format/record-buffer.js';
import { decodeBlock } from '../format/record-decoder.js';
import type { RootPath } from './root-path.js';
import { readFully } from '../format/thread-file.js';
import { makeProcessFolder, removeAbandonedFolders } from '../output/process-folders.js';

/** Small blocks for runs: with many runs, a merge reads about one block per run at a time. */
const RUN_BLOCK_CAPACITY = 64 * 1024;

/** A sorted run on disk: record blocks one after another, and where each block ends. */
export interface RunFile {
  readonly path: string;
  readonly blockEnds: readonly number[];
}

/**
 * The sorted runs of one external sort, in a temp folder removed by dispose(). A run is
 * record blocks as thread files hold them (header, CRC-32, records), without a file
 * header: the writer keeps the block offsets, so the merge reads many blocks at once.
 */
export class RunSpill {
  readonly runs: RunFile[] = [];

  /** Runs go in `dir`, which exists and is the sort's alone (makeSortFolder). */
  constructor(
    readonly dir: string,
    private readonly fullAttrs: boolean,
  ) {}

  /** A spill in a new temp folder under `parent`. */
  static create(parent: string, fullAttrs: boolean): RunSpill {
    return new RunSpill(makeSortFolder(parent), fullAttrs);
  }

  /** Writes one run from a callback that appends its records in order. */
  write(fill: (out: RecordBuffer) => void): void {
    const path = join(this.dir, `run_${this.runs.length}.bin`);
    const blockEnds: number[] = [];
    let end = 0;
    const fd = openSync(path, 'w');
    try {
      const out = new RecordBuffer(
        (block) => {
          writeSync(fd, block);
          end += block.length;
          blockEnds.push(end);
        },
        { capacity: RUN_BLOCK_CAPACITY, fullAttrs: this.fullAttrs },
      );
      fill(out);
      out.flush();
    } finally {
      closeSync(fd);
    }
    this.runs.push({ path, blockEnds });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A new temp folder for one sort's runs. A sort killed by SIGKILL leaves its runs
 * (hundreds of MB for a million entries), so a cron diff killed night after night would
 * fill the temporary disk: first the folders of this host's sorts whose process is gone
 * are removed.
 */
export function makeSortFolder(parent: string): string {
  removeAbandonedFolders(parent, SORT_FOLDER_PREFIX);
  return makeProcessFolder(parent, SORT_FOLDER_PREFIX);
}

const SORT_FOLDER_PREFIX = 'pwalk-sort-';

/**
 * The entries of a run, a block at a time. Perf: blocks are read `readBytes` at a time
 * (whole blocks), and the next read is under way while a read's blocks are merged: with
 * runs read one 64 KiB block at a time, header then payload, each read a round trip
 * through the thread pool, the sort was idle 21% of its profile (9% this way).
 */
export async function* readRun(run: RunFile, root: RootPath, readBytes: number): AsyncGenerator<WalkEntry[]> {
  const reads = groupBlocks(run.blockEnds, readBytes);
  if (reads.length === 0) return;
  let handle;
  try {
    handle = await open(run.path, 'r');
  } catch (cause) {
    throw new WalkFormatError(WalkErrorCode.IO, `cannot open sort run: ${(cause as Error).message}`, { file: run.path, cause });
  }
  const fh = handle;
  const readAt = async (r: RunRead): Promise<Buffer> => {
    const buf = Buffer.allocUnsafe(r.to - r.from);
    const got = await readFully(fh, buf, r.from, run.path);
    if (got < buf.length) throw new WalkFormatError(WalkErrorCode.TRUNCATED, 'sort run is shorter than written', { file: run.path, offset: r.from + got });
    return buf;
  };
  let pending: Promise<Buffer> | null = readAt(reads[0]!);
  try {
    for (let i = 0; i < reads.length; i++) {
      const buf: Buffer = await pending!;
      pending = i + 1 < reads.length ? readAt(reads[i + 1]!) : null;
      const r = reads[i]!;
      let at = 0;
      for (const end of r.blockEnds) {
        yield decodeRunBlock(buf.subarray(at, end - r.from), root, run.path, r.from + at);
        at = end - r.from;
      }
    }
  } finally {
    // A read still in flight when the merge stops early must settle before the close.
    if (pending !== null) await pending.catch(() => undefined);
    await fh.close();
  }
}

/** Bytes [from, to) of a run file: whole blocks, ending at blockEnds. */
interface RunRead {
  from: number;
  to: number;
  blockEnds: number[];
}

function groupBlocks(blockEnds: readonly number[], readBytes: number): RunRead[] {
  const reads: RunRead[] = [];
  let current: RunRead | undefined;
  let start = 0;
  for (const end of blockEnds) {
    if (current === undefined || end - current.from > readBytes) {
      current = { from: start, to: end, blockEnds: [] };
      reads.push(current);
    }
    current.to = end;
    current.blockEnds.push(end);
    start = end;
  }
  return reads;
}

/** One block of a run, checked: a temp file damaged on disk is an error, not wrong output. */
function decodeRunBlock(block: Buffer, root: RootPath, file: string, offset: number): WalkEntry[] {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const payload = block.subarray(BLOCK_HEADER_SIZE);
  if (
    view.getUint32(BlockHeaderOffset.magic, true) !== BLOCK_MAGIC ||
    view.getUint32(BlockHeaderOffset.payloadLength, true) !== payload.length ||
    view.getUint32(BlockHeaderOffset.crc32, true) !== crc32(payload)
  ) {
    throw new WalkFormatError(WalkErrorCode.CORRUPT_BLOCK, 'sort run block is corrupt', { file, offset });
  }
  return decodeBlock(payload, view.getUint32(BlockHeaderOffset.recordCount, true), root, { file, offset: offset + BLOCK_HEADER_SIZE }, false).entries;
}
