// A walk folder written record by record, for tests that need values no real tree
// can hold (sizes past 2^53, forged inodes) or a chosen record order.
import type { BigIntStats } from 'node:fs';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FrameBuffer, RecordBuffer, encodeFileHeader } from '../../src/format/index.js';
import { newWalkId, writeManifest } from '../../src/index.js';

/** Hand-made BigIntStats: the encoder reads only these fields. */
export function bigStats(over: Partial<Record<keyof BigIntStats, bigint>>): BigIntStats {
  return {
    ino: 1n,
    size: 0n,
    mode: 0o100644n,
    uid: 0n,
    gid: 0n,
    nlink: 1n,
    blocks: 0n,
    dev: 1n,
    atimeNs: 0n,
    mtimeNs: 0n,
    ctimeNs: 0n,
    ...over,
  } as unknown as BigIntStats;
}

/** What a forged walk's records are appended through: format 1's RecordBuffer, or format 2's FrameBuffer (the same calls). */
export type ForgedRecords = Pick<RecordBuffer, 'appendBigStats' | 'appendFields' | 'appendError' | 'flush'>;

/** Writes a complete one-file walk of root /r into `out` (emptied first) from a callback that appends records; format 1 unless `format` says 2. */
export function forgeWalk(out: string, fill: (rb: ForgedRecords) => void, opts: { capacity?: number; fullAttrs?: boolean; format?: 1 | 2 } = {}): string {
  const walkId = newWalkId();
  const fullAttrs = opts.fullAttrs ?? true;
  const capacity = opts.capacity ?? 1 << 20;
  const version = opts.format ?? 1;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const fd = openSync(join(out, 'thread_0.bin'), 'w');
  writeSync(fd, encodeFileHeader({ version, walkId, thread: 0, fullAttrs, blockCapacity: capacity }));
  let records = 0;
  const sink = (block: Uint8Array, count: number): void => {
    writeSync(fd, block);
    records += count;
  };
  const rb = version === 2 ? new FrameBuffer(sink, { capacity, fullAttrs }) : new RecordBuffer(sink, { capacity, fullAttrs });
  fill(rb);
  rb.flush();
  closeSync(fd);
  writeManifest(out, {
    formatVersion: version,
    walkId,
    tool: { name: 'pwalk-ts', version: 'test', node: process.version },
    root: Buffer.from('/r'),
    rootAbsolute: Buffer.from('/r'),
    host: 'h',
    user: { uid: 0, name: 'root' },
    pid: 1,
    options: { threads: 1, compact: !fullAttrs, exclude: [], oneFileSystem: false, snapshots: true, maxDepth: null },
    startTime: 0,
    endTime: 1,
    status: 'complete',
    message: null,
    files: [{ name: 'thread_0.bin', thread: 0, host: 'h', records, errors: 0, blocks: 1, bytes: 0 }],
    totals: { entries: records, dirs: 0, files: 0, errors: 0, bytes: 0n },
  });
  return out;
}
