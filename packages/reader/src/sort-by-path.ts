import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathKey } from './path-key.js';
import type { WalkEntry, WalkEntryError } from './record.js';
import { RecordBuffer } from './record-buffer.js';
import type { RootPath } from './root-path.js';
import { encodeFileHeader, readThreadFile } from './thread-file.js';

export interface SortOptions {
  /** Entries held in memory before a sorted run is spilled to disk (default 250 000). */
  sortMemoryRecords?: number;
  /** Where spilled runs go (default: the OS temp folder). They are removed when iteration ends. */
  tempDir?: string;
}

const DEFAULT_MEMORY_RECORDS = 250_000;
/** Small blocks for runs: a merge holds one block per run in memory. */
const RUN_BLOCK_CAPACITY = 64 * 1024;
const NO_WALK_ID = '0'.repeat(32);

function byPath(a: { relativePathBytes: Uint8Array }, b: { relativePathBytes: Uint8Array }): number {
  return Buffer.compare(a.relativePathBytes, b.relativePathBytes);
}

/**
 * An entry with its sort key. Perf: the path bytes as a latin1 string (one char per
 * byte) compare in byte order with `<`, inline in V8, where Buffer.compare is a
 * native call per comparison (measured 0.46 s of a 1 M-entry sort).
 */
interface Keyed {
  readonly key: string;
  readonly entry: WalkEntry;
}

function keyed(entry: WalkEntry): Keyed {
  return { key: pathKey(entry.relativePathBytes), entry };
}

function byKey(a: Keyed, b: Keyed): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Sorted output goes out in slices of this many entries (see flattenBatches). */
const OUTPUT_BATCH = 4096;

/**
 * External merge sort by path bytes. Up to `sortMemoryRecords` entries are sorted in
 * memory; past that, sorted runs are written in the thread-file format to a temp
 * folder and merged with a heap, so memory stays bounded for any walk size. Input
 * and output are batches, so no step pays an await per entry.
 */
export async function* sortEntriesByPath(
  source: AsyncIterable<readonly WalkEntry[]>,
  layout: { root: RootPath; fullAttrs: boolean },
  options: SortOptions,
): AsyncGenerator<WalkEntry[]> {
  const limit = Math.max(1, options.sortMemoryRecords ?? DEFAULT_MEMORY_RECORDS);
  let chunk: Keyed[] = [];
  let spill: RunSpill | undefined;
  try {
    for await (const batch of source) {
      for (const entry of batch) {
        chunk.push(keyed(entry));
        if (chunk.length >= limit) {
          spill ??= new RunSpill(options.tempDir ?? tmpdir(), layout.fullAttrs);
          spill.write(chunk.sort(byKey));
          chunk = [];
        }
      }
    }
    chunk.sort(byKey);
    if (spill === undefined) {
      for (let i = 0; i < chunk.length; i += OUTPUT_BATCH) yield chunk.slice(i, i + OUTPUT_BATCH).map((k) => k.entry);
      return;
    }
    if (chunk.length > 0) spill.write(chunk);
    chunk = [];
    yield* mergeRuns(spill.runs, layout.root);
  } finally {
    spill?.dispose();
  }
}

/** Errors are few: they are sorted in memory. */
export async function* sortErrorsByPath(source: AsyncIterable<WalkEntryError>): AsyncGenerator<WalkEntryError> {
  const all: WalkEntryError[] = [];
  for await (const e of source) all.push(e);
  yield* all.sort(byPath);
}

class RunSpill {
  readonly dir: string;
  readonly runs: string[] = [];

  constructor(
    parent: string,
    private readonly fullAttrs: boolean,
  ) {
    this.dir = mkdtempSync(join(parent, 'pwalk-sort-'));
  }

  write(sorted: readonly Keyed[]): void {
    const path = join(this.dir, `run_${this.runs.length}.bin`);
    const fd = openSync(path, 'w');
    try {
      writeSync(fd, encodeFileHeader({ fullAttrs: this.fullAttrs, walkId: NO_WALK_ID, thread: this.runs.length, blockCapacity: RUN_BLOCK_CAPACITY }));
      const out = new RecordBuffer((block) => writeSync(fd, block), { capacity: RUN_BLOCK_CAPACITY, fullAttrs: this.fullAttrs });
      for (const k of sorted) out.appendEntry(k.entry);
      out.flush();
    } finally {
      closeSync(fd);
    }
    this.runs.push(path);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

interface RunCursor {
  blocks: AsyncGenerator<{ entries: WalkEntry[] }>;
  entries: Keyed[];
  index: number;
}

async function* mergeRuns(runs: string[], root: RootPath): AsyncGenerator<WalkEntry[]> {
  const problems: never[] = [];
  const heap: RunCursor[] = [];
  for (const run of runs) {
    const cursor: RunCursor = { blocks: readThreadFile(run, root, { onCorrupt: 'throw', problems }), entries: [], index: 0 };
    if (await advanceBlock(cursor)) heapPush(heap, cursor);
  }
  let out: WalkEntry[] = [];
  while (heap.length > 0) {
    const top = heap[0]!;
    out.push(top.entries[top.index]!.entry);
    if (out.length === OUTPUT_BATCH) {
      yield out;
      out = [];
    }
    top.index++;
    if (top.index < top.entries.length || (await advanceBlock(top))) heapSiftDown(heap, 0);
    else {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        heapSiftDown(heap, 0);
      }
    }
  }
  if (out.length > 0) yield out;
}

async function advanceBlock(cursor: RunCursor): Promise<boolean> {
  for (;;) {
    const next = await cursor.blocks.next();
    if (next.done) return false;
    if (next.value.entries.length > 0) {
      cursor.entries = next.value.entries.map(keyed);
      cursor.index = 0;
      return true;
    }
  }
}

function current(c: RunCursor): Keyed {
  return c.entries[c.index]!;
}

function heapPush(heap: RunCursor[], c: RunCursor): void {
  heap.push(c);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (byKey(current(heap[parent]!), current(heap[i]!)) <= 0) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function heapSiftDown(heap: RunCursor[], i: number): void {
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let smallest = i;
    if (l < n && byKey(current(heap[l]!), current(heap[smallest]!)) < 0) smallest = l;
    if (r < n && byKey(current(heap[r]!), current(heap[smallest]!)) < 0) smallest = r;
    if (smallest === i) return;
    [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
    i = smallest;
  }
}
