import { tmpdir } from 'node:os';
import { appendEntryRecord, entryKey } from './entry-in-place.js';
import { pathKey, treeKey } from './path-key.js';
import type { WalkEntry, WalkEntryError } from './record.js';
import type { RecordBuffer } from '../format/record-buffer.js';
import type { RootPath } from './root-path.js';
import { readRun, RunSpill, type RunFile } from './sort-runs.js';
import { throwIfStopped } from './stop-signal.js';

export interface SortOptions {
  /** Entries held in memory before a sorted run is spilled to disk (default 250 000). */
  sortMemoryRecords?: number;
  /** Where spilled runs go (default: the OS temp folder). They are removed when iteration ends. */
  tempDir?: string;
}

const DEFAULT_MEMORY_RECORDS = 250_000;
/** What a merge holds of its runs' bytes at most, past the smallest read of each run. */
const MERGE_READ_BUFFER = 32 * 1024 * 1024;
const MIN_RUN_READ = 64 * 1024;

function byPath(a: { relativePathBytes: Uint8Array }, b: { relativePathBytes: Uint8Array }): number {
  return Buffer.compare(a.relativePathBytes, b.relativePathBytes);
}

/** 'path': byte order of the relative paths; 'tree': depth-first, each directory before its subtree (path-key.ts treeKey). */
export type SortOrder = 'path' | 'tree';

type SortKey = (e: WalkEntry) => string;

const SORT_KEYS: Record<SortOrder, SortKey> = { path: entryKey, tree: (e) => treeKey(entryKey(e)) };

/** Sorted output goes out in slices of this many entries (see flattenBatches). */
const OUTPUT_BATCH = 4096;

/**
 * External merge sort by path bytes. Up to `sortMemoryRecords` entries are sorted in
 * memory; past that, sorted runs are written as record blocks to a temp folder
 * (sort-runs.ts) and merged with a heap, so memory stays bounded for any walk size.
 * Input and output are batches, so no step pays an await per entry.
 *
 * Perf: each entry's key is its path bytes as a latin1 string (path-key.ts), made
 * straight from the record; `<` on two keys compares in byte order inline in V8, where
 * Buffer.compare is a native call per comparison (measured 0.46 s of a 1 M-entry sort).
 * Keys and entries sit in two arrays and an index array is sorted: the object per
 * entry that paired them was part of the sort's GC (23% of its profile).
 */
export async function* sortEntriesByPath(
  source: AsyncIterable<readonly WalkEntry[]>,
  layout: { root: RootPath; fullAttrs: boolean },
  options: SortOptions & { readonly signal?: AbortSignal | undefined },
  order: SortOrder = 'path',
): AsyncGenerator<WalkEntry[]> {
  const limit = Math.max(1, options.sortMemoryRecords ?? DEFAULT_MEMORY_RECORDS);
  const key = SORT_KEYS[order];
  let chunk = new SortChunk(key);
  let spill: RunSpill | undefined;
  try {
    for await (const batch of source) {
      for (const entry of batch) {
        chunk.add(entry);
        if (chunk.size >= limit) {
          spill ??= new RunSpill(options.tempDir ?? tmpdir(), layout.fullAttrs);
          spill.write((out) => chunk.writeSorted(out));
          chunk = new SortChunk(key);
        }
      }
    }
    if (spill === undefined) {
      const order = chunk.sortedOrder();
      for (let i = 0; i < order.length; i += OUTPUT_BATCH) yield chunk.entriesAt(order, i, i + OUTPUT_BATCH);
      return;
    }
    if (chunk.size > 0) spill.write((out) => chunk.writeSorted(out));
    chunk = new SortChunk(key);
    yield* mergeRuns(spill.runs, layout.root, key, options.signal);
  } finally {
    spill?.dispose();
  }
}

/** Entries held for one in-memory sort, with their keys. */
class SortChunk {
  readonly keys: string[] = [];
  readonly entries: WalkEntry[] = [];

  constructor(private readonly key: SortKey) {}

  get size(): number {
    return this.entries.length;
  }

  add(entry: WalkEntry): void {
    this.keys.push(this.key(entry));
    this.entries.push(entry);
  }

  /** Indexes of the entries in key order; ties keep their input order (the sort is stable). */
  sortedOrder(): number[] {
    const keys = this.keys;
    const order = new Array<number>(keys.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order.sort((a, b) => compareKeys(keys[a]!, keys[b]!));
  }

  /** Appends the entries to a run in key order. */
  writeSorted(out: RecordBuffer): void {
    const entries = this.entries;
    for (const i of this.sortedOrder()) appendEntryRecord(out, entries[i]!);
  }

  entriesAt(order: readonly number[], from: number, to: number): WalkEntry[] {
    const end = Math.min(to, order.length);
    const out = new Array<WalkEntry>(end - from);
    for (let i = from; i < end; i++) out[i - from] = this.entries[order[i]!]!;
    return out;
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Errors are few: they are sorted in memory. */
export async function* sortErrorsByPath(source: AsyncIterable<WalkEntryError>, order: SortOrder = 'path'): AsyncGenerator<WalkEntryError> {
  const all: WalkEntryError[] = [];
  for await (const e of source) all.push(e);
  if (order === 'path') yield* all.sort(byPath);
  else
    yield* all
      .map((e) => ({ e, key: treeKey(pathKey(e.relativePathBytes)) }))
      .sort((a, b) => compareKeys(a.key, b.key))
      .map(({ e }) => e);
}

/** One run being merged: its current block's entries and their keys. */
interface RunCursor {
  blocks: AsyncGenerator<WalkEntry[]>;
  entries: WalkEntry[];
  keys: string[];
  index: number;
}

async function* mergeRuns(runs: readonly RunFile[], root: RootPath, key: SortKey, signal: AbortSignal | undefined): AsyncGenerator<WalkEntry[]> {
  // Each run holds two reads (one merged, one under way): the buffer is shared out among the runs.
  const readBytes = Math.max(MIN_RUN_READ, Math.floor(MERGE_READ_BUFFER / (2 * runs.length)));
  const cursors: RunCursor[] = runs.map((run) => ({ blocks: readRun(run, root, readBytes), entries: [], keys: [], index: 0 }));
  const heap: RunCursor[] = [];
  try {
    for (const cursor of cursors) if (await advanceBlock(cursor, key)) heapPush(heap, cursor);
    let out: WalkEntry[] = [];
    while (heap.length > 0) {
      const top = heap[0]!;
      out.push(top.entries[top.index]!);
      if (out.length === OUTPUT_BATCH) {
        throwIfStopped(signal);
        yield out;
        out = [];
      }
      top.index++;
      if (top.index < top.entries.length || (await advanceBlock(top, key))) heapSiftDown(heap, 0);
      else {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          heapSiftDown(heap, 0);
        }
      }
    }
    if (out.length > 0) yield out;
  } finally {
    // A consumer that stops early: each run's file is closed before the folder goes.
    for (const cursor of cursors) await cursor.blocks.return(undefined);
  }
}

async function advanceBlock(cursor: RunCursor, key: SortKey): Promise<boolean> {
  for (;;) {
    const next = await cursor.blocks.next();
    if (next.done) return false;
    const entries = next.value;
    if (entries.length > 0) {
      cursor.entries = entries;
      cursor.keys = entries.map(key);
      cursor.index = 0;
      return true;
    }
  }
}

/** Whether cursor a's current key sorts before b's (ties: neither). */
function before(a: RunCursor, b: RunCursor): boolean {
  return a.keys[a.index]! < b.keys[b.index]!;
}

function heapPush(heap: RunCursor[], c: RunCursor): void {
  heap.push(c);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
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
    if (l < n && before(heap[l]!, heap[smallest]!)) smallest = l;
    if (r < n && before(heap[r]!, heap[smallest]!)) smallest = r;
    if (smallest === i) return;
    [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
    i = smallest;
  }
}
