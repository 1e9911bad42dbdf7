import { tmpdir } from 'node:os';
import { appendEntryRecord, entryKey } from './entry-in-place.js';
import { frameRowsOfBlock, rowKey, type EntryBlock } from './entry-block.js';
import { frameEntry, FrameBlock } from '../format/frame-entry.js';
import { pathKey, treeKey } from './path-key.js';
import type { WalkEntry, WalkEntryError } from './record.js';
import type { RecordBuffer } from '../format/record-buffer.js';
import type { RootPath } from './root-path.js';
import { readRun, RunSpill, type RunFile } from './sort-runs.js';
import { throwIfStopped } from './stop-signal.js';
import type { RecordsOptions, Walk } from './walk.js';

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

/** An entry's sort key (a run's entries, merged). */
type SortKey = (e: WalkEntry) => string;
/** Row `i`'s sort key (the input's blocks). */
type RowSortKey = (b: EntryBlock, i: number) => string;

const SORT_KEYS: Record<SortOrder, SortKey> = { path: entryKey, tree: (e) => treeKey(entryKey(e)) };
const ROW_SORT_KEYS: Record<SortOrder, RowSortKey> = { path: rowKey, tree: (b, i) => treeKey(rowKey(b, i)) };

/** What one sort pass takes besides its input. */
export interface SortPassOptions extends SortOptions {
  readonly signal?: AbortSignal | undefined;
  /**
   * Called with each block of the input and its rows' sort keys as it is read, in input
   * order: a pass that wants every entry once (diff's space figures) rides along.
   */
  readonly onBlock?: ((block: EntryBlock, keys: readonly string[]) => void) | undefined;
}

/** Sorted output goes out in slices of this many entries (see flattenBatches). */
const OUTPUT_BATCH = 4096;

/** Sorted entries and their sort keys: for 'path' order, their latin1 path keys (path-key.ts). */
export interface KeyedBatch {
  readonly entries: WalkEntry[];
  readonly keys: string[];
}

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
  source: AsyncIterable<EntryBlock>,
  layout: { root: RootPath; fullAttrs: boolean },
  options: SortOptions & { readonly signal?: AbortSignal | undefined },
  order: SortOrder = 'path',
): AsyncGenerator<WalkEntry[]> {
  for await (const batch of sortKeyedByPath(source, layout, options, order)) yield batch.entries;
}

/**
 * sortEntriesByPath with each entry's sort key beside it. Perf: a merge-join on path
 * (walk-diff.ts) compares the keys the sort made instead of making a second string
 * per entry (0.4 s of a diff of two 1 M-entry walks, and its garbage).
 */
export async function* sortKeyedByPath(
  source: AsyncIterable<EntryBlock>,
  layout: { root: RootPath; fullAttrs: boolean },
  options: SortPassOptions,
  order: SortOrder = 'path',
): AsyncGenerator<KeyedBatch> {
  let spill: RunSpill | undefined;
  try {
    let chunk: SortChunk | null = await sortChunks(
      source,
      ROW_SORT_KEYS[order],
      sortMemoryRecords(options),
      () => (spill ??= RunSpill.create(options.tempDir ?? tmpdir(), layout.fullAttrs)),
      options.onBlock,
    );
    if (spill === undefined) {
      const order = chunk.sortedOrder();
      for (let i = 0; i < order.length; i += OUTPUT_BATCH) yield chunk.keyedAt(order, i, i + OUTPUT_BATCH);
      return;
    }
    const last = chunk;
    if (last.size > 0) spill.write((out) => last.writeSorted(out));
    chunk = null;
    yield* mergeRuns(spill.runs, layout.root, SORT_KEYS[order], options.signal);
  } finally {
    spill?.dispose();
  }
}

/** What a sort of `walk`'s entries needs of it: its root, and whether its records hold every attribute. */
export function sortLayout(walk: Walk): { root: RootPath; fullAttrs: boolean } {
  return { root: walk.root, fullAttrs: walk.files[0]?.header.fullAttrs ?? true };
}

/** The walk's entries in path order with their keys (sortKeyedByPath), in this thread. */
export function keyedPathBatches(walk: Walk, options: SortPassOptions & Pick<RecordsOptions, 'onCorrupt'>): AsyncGenerator<KeyedBatch> {
  return sortKeyedByPath(walk.entryBlocks(options), sortLayout(walk), options);
}

/**
 * Sorts the whole of `source` by path into runs in `spill`, the last chunk too: the
 * half of a sort done in another thread (analysis/diff-side-worker.ts); mergeSortedRuns merges them.
 */
export async function spillSortedRuns(source: AsyncIterable<EntryBlock>, options: SortPassOptions, spill: RunSpill): Promise<void> {
  const last = await sortChunks(source, rowKey, sortMemoryRecords(options), () => spill, options.onBlock);
  if (last.size > 0) spill.write((out) => last.writeSorted(out));
}

/** The runs of spillSortedRuns merged, in path order. */
export function mergeSortedRuns(runs: readonly RunFile[], root: RootPath, signal: AbortSignal | undefined): AsyncGenerator<KeyedBatch> {
  return mergeRuns(runs, root, entryKey, signal);
}

/** How many entries a sort holds in memory at most. */
export function sortMemoryRecords(options: SortOptions): number {
  return Math.max(1, options.sortMemoryRecords ?? DEFAULT_MEMORY_RECORDS);
}

/** Reads `source` in chunks of `limit` entries, each sorted and written as a run to `spill()`; returns the last chunk, not written. */
async function sortChunks(
  source: AsyncIterable<EntryBlock>,
  key: RowSortKey,
  limit: number,
  spill: () => RunSpill,
  onBlock: SortPassOptions['onBlock'],
): Promise<SortChunk> {
  let chunk = new SortChunk();
  for await (const block of source) {
    const keys = new Array<string>(block.length);
    for (let i = 0; i < keys.length; i++) keys[i] = key(block, i);
    onBlock?.(block, keys);
    const rows = frameRowsOfBlock(block);
    for (let i = 0; i < keys.length; i++) {
      if (rows === undefined) chunk.add(keys[i]!, block.entry(i), 0);
      else chunk.add(keys[i]!, rows.frame, rows.from + i);
      if (chunk.size >= limit) {
        const full = chunk;
        spill().write((out) => full.writeSorted(out));
        chunk = new SortChunk();
      }
    }
  }
  return chunk;
}

/**
 * Entries held for one in-memory sort, with their keys. Perf: a format-2 block's row is
 * held as its block and row number, not an entry object: run records are encoded from
 * the block's columns, and no object per entry lives until the chunk is spilled (each
 * one survived into the old generation, to be collected there).
 */
class SortChunk {
  readonly keys: string[] = [];
  /** Per entry: the decoded format-2 block it is row `rows[i]` of, or the entry itself. */
  private readonly items: (FrameBlock | WalkEntry)[] = [];
  private readonly rows: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  add(key: string, item: FrameBlock | WalkEntry, row: number): void {
    this.keys.push(key);
    this.items.push(item);
    this.rows.push(row);
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
    const { items, rows } = this;
    for (const i of this.sortedOrder()) {
      const item = items[i]!;
      if (item instanceof FrameBlock) item.appendRowTo(rows[i]!, out);
      else appendEntryRecord(out, item);
    }
  }

  keyedAt(order: readonly number[], from: number, to: number): KeyedBatch {
    const end = Math.min(to, order.length);
    const entries = new Array<WalkEntry>(end - from);
    const keys = new Array<string>(end - from);
    for (let i = from; i < end; i++) {
      const at = order[i]!;
      const item = this.items[at]!;
      entries[i - from] = item instanceof FrameBlock ? frameEntry(item, this.rows[at]!) : item;
      keys[i - from] = this.keys[at]!;
    }
    return { entries, keys };
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

async function* mergeRuns(runs: readonly RunFile[], root: RootPath, key: SortKey, signal: AbortSignal | undefined): AsyncGenerator<KeyedBatch> {
  // Each run holds two reads (one merged, one under way): the buffer is shared out among the runs.
  const readBytes = Math.max(MIN_RUN_READ, Math.floor(MERGE_READ_BUFFER / (2 * runs.length)));
  const cursors: RunCursor[] = runs.map((run) => ({ blocks: readRun(run, root, readBytes), entries: [], keys: [], index: 0 }));
  const heap: RunCursor[] = [];
  try {
    for (const cursor of cursors) if (await advanceBlock(cursor, key)) heapPush(heap, cursor);
    let out: KeyedBatch = { entries: [], keys: [] };
    while (heap.length > 0) {
      const top = heap[0]!;
      out.entries.push(top.entries[top.index]!);
      out.keys.push(top.keys[top.index]!);
      if (out.entries.length === OUTPUT_BATCH) {
        throwIfStopped(signal);
        yield out;
        out = { entries: [], keys: [] };
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
    if (out.entries.length > 0) yield out;
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
