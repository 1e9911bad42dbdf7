import { entryKey, isRoot, sizeAmount } from '../sdk/entry-in-place.js';
import { ParentCache } from './parent-cache.js';
import type { FrameBlock } from '../format/frame-entry.js';
import { frameRowsOfBlock, rowKey, type EntryBlock } from '../sdk/entry-block.js';
import { ByteSum, type ByteAmount } from './byte-sum.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';
import type { WalkEntry } from '../sdk/record.js';

/** The entries directly inside one directory, and the sum of their st_size. */
interface DirectChildren {
  entries: number;
  readonly bytes: ByteSum;
}

/** The entries directly inside a directory, and their st_size sum, exact (a number below 2^53, else a bigint). */
export interface DirectChildCount {
  readonly entries: number;
  readonly bytes: ByteAmount;
}

/**
 * DirectChildTotals of some of a walk's blocks, as it crosses threads (structured
 * clone): the directories' keys as latin1 bytes, each ended by a NUL (no path holds
 * one), and by position their entries and st_size sums. Perf: one buffer, not a Map of 141 k keys, is what
 * postMessage copies.
 */
export interface DirectChildPart {
  readonly keys: Uint8Array;
  readonly entries: Float64Array;
  readonly bytes: ByteAmount[];
}

const NONE: DirectChildCount = { entries: 0, bytes: 0 };
const KEY_END = 0;
/** The totals each part this thread made came from (a part another thread made is a copy, not in here). */
const partSources = new WeakMap<DirectChildPart, DirectChildTotals>();

/**
 * Every directory's direct children (count and st_size sum, every entry counted as it
 * is, hard links included), looked up by a directory's entry: what pwalk's pw_fcount
 * and pw_dirsum columns hold. Perf: only these two figures, where directoryTotals
 * also rolls every directory up, credits hard links once and turns 141k keys back
 * into paths: that pass was 17% of `cat --format pwalk` (bench/RESULTS.md).
 */
export class DirectChildTotals {
  readonly #dirs = new Map<string, DirectChildren>();
  readonly #parents = new ParentCache((key) => this.#get(key));

  #get(key: string): DirectChildren {
    let dir = this.#dirs.get(key);
    if (dir === undefined) {
      dir = { entries: 0, bytes: new ByteSum() };
      this.#dirs.set(key, dir);
    }
    return dir;
  }

  add(block: EntryBlock): void {
    const rows = frameRowsOfBlock(block);
    if (rows !== undefined) return this.#addRows(rows.frame, rows.from, rows.from + rows.length);
    const parents = this.#parents;
    for (const e of block.entries) {
      if (isRoot(e)) continue;
      const parent = parents.of(e);
      parent.entries++;
      parent.bytes.add(sizeAmount(e));
    }
  }

  /**
   * A batch of rows `from`.. of one format-2 block, read from its columns. Perf: no
   * entry is asked for its parent or size: a row's header is its parent (FrameCursor
   * checks a name is one component).
   */
  #addRows(block: FrameBlock, from: number, to: number): void {
    const { dirOf } = block;
    let header = -1;
    let parent: DirectChildren | undefined;
    for (let i = from; i < to; i++) {
      const h = dirOf[i]!;
      if (block.isRoot(i)) continue;
      if (h !== header) {
        header = h;
        parent = this.#parents.ofHeader(block, h);
      }
      parent!.entries++;
      parent!.bytes.add(block.size(i));
    }
  }

  /** What was counted, to be added to another thread's totals (addPart). */
  part(): DirectChildPart {
    const entries = new Float64Array(this.#dirs.size);
    const bytes: ByteAmount[] = [];
    let k = 0;
    for (const dir of this.#dirs.values()) {
      entries[k++] = dir.entries;
      bytes.push(dir.bytes.amount());
    }
    const part = { keys: Buffer.from([...this.#dirs.keys(), ''].join('\0'), 'latin1'), entries, bytes };
    partSources.set(part, this);
    return part;
  }

  /** Adds what another thread counted (part()). */
  #addPart(part: DirectChildPart): void {
    if (part.entries.length === 0) return;
    // Perf: each key decoded from the bytes is a flat string; split() made slices of one string, which a
    // Map compares slowly: the pwalk rows' lookups took 2 us each against 0.6 (150 ms a thread).
    const keys = Buffer.from(part.keys.buffer, part.keys.byteOffset, part.keys.byteLength);
    for (let k = 0, from = 0; k < part.entries.length; k++) {
      const to = keys.indexOf(KEY_END, from);
      const dir = this.#get(keys.toString('latin1', from, to));
      from = to + 1;
      dir.entries += part.entries[k]!;
      dir.bytes.add(part.bytes[k]!);
    }
  }

  /**
   * The totals of every part, each thread's share of the walk (directChildTotals with a
   * share, then part()): the totals this thread's own part came from, with the others
   * added. Perf: only the other threads' directories are added (a Map entry each).
   */
  static ofParts(parts: readonly DirectChildPart[]): DirectChildTotals {
    const own = parts.find((part) => partSources.has(part));
    const totals = own === undefined ? new DirectChildTotals() : partSources.get(own)!;
    for (const part of parts) if (part !== own) totals.#addPart(part);
    return totals;
  }

  /** What directory `dir` holds directly: its entries and the st_size sum of them (none for a directory with none read). */
  of(dir: WalkEntry): DirectChildCount {
    return this.#count(entryKey(dir));
  }

  /** What the directory of row `i` of `block` holds directly, as of(). */
  ofRow(block: EntryBlock, i: number): DirectChildCount {
    return this.#count(rowKey(block, i));
  }

  #count(key: string): DirectChildCount {
    const found = this.#dirs.get(key);
    return found === undefined ? NONE : { entries: found.entries, bytes: found.bytes.amount() };
  }
}

/**
 * Reads the whole walk once for every directory's direct children (DirectChildTotals),
 * or only `share`'s blocks: several threads each count theirs and add the others'
 * parts (DirectChildTotals.part, addPart). Memory grows with the directories, not the entries.
 */
export async function directChildTotals(walk: Walk, options: Pick<RecordsOptions, 'onCorrupt' | 'signal' | 'share'> = {}): Promise<DirectChildTotals> {
  const totals = new DirectChildTotals();
  for await (const block of walk.entryBlocks(options)) totals.add(block);
  return totals;
}
