import { BoundedHeap } from './bounded-heap.js';
import type { WalkEntry } from '../sdk/record.js';

/** One of the largest regular files of a walk. */
export interface LargestFile {
  /** Lossy UTF-8 text of pathBytes, for people. */
  readonly path: string;
  readonly pathBytes: Uint8Array;
  /** st_size. */
  readonly size: bigint;
  /** st_blocks x 512: less than size for a sparse file; null in a --compact walk. */
  readonly allocatedBytes: bigint | null;
  readonly uid: number | null;
  readonly gid: number | null;
  /** Whole seconds since 1970: as WalkEntry's, a number exact within ±2^53 and the exact value. */
  readonly mtime: number;
  readonly atime: number | null;
  readonly mtimeExact: number | bigint;
  readonly atimeExact: number | bigint | null;
}

/** What a LargestFile says of an entry besides its path; `size` is the entry's (passed when the caller has read it). */
export function largestFileFacts(e: WalkEntry, size: bigint = e.size): Omit<LargestFile, 'path' | 'pathBytes'> {
  const blocks = e.blocks;
  const mtimeExact = e.mtimeExact;
  const atimeExact = e.atimeExact;
  return {
    size,
    allocatedBytes: blocks === null ? null : blocks * 512n,
    uid: e.uid,
    gid: e.gid,
    mtime: Number(mtimeExact),
    atime: atimeExact === null ? null : Number(atimeExact),
    mtimeExact,
    atimeExact,
  };
}

/** Larger first; equal sizes in byte order of their paths, so the answer does not depend on thread count. */
function ahead(a: LargestFile, b: LargestFile): boolean {
  return a.size > b.size || (a.size === b.size && Buffer.compare(a.pathBytes, b.pathBytes) < 0);
}

/** The `capacity` largest files offered, in a bounded heap (no sort of every file). */
export class LargestFiles {
  private readonly heap: BoundedHeap<LargestFile>;

  constructor(capacity: number) {
    this.heap = new BoundedHeap(capacity, ahead);
  }

  /** False when a file of this size cannot get in (not even on a tie): then nothing is built for it. A number size (exact, below 2^53) makes no BigInt to ask. */
  mayTake(size: number | bigint): boolean {
    const last = this.heap.threshold();
    return last === undefined ? this.heap.capacity > 0 : size >= last.size;
  }

  offer(file: LargestFile): void {
    this.heap.offer(file);
  }

  /** Offers a regular file's entry; `size` is its size when the caller has read it already. */
  offerEntry(e: WalkEntry, size: bigint = e.size): void {
    if (!this.mayTake(size)) return;
    this.heap.offer({ path: e.path, pathBytes: Buffer.from(e.pathBytes), ...largestFileFacts(e, size) });
  }

  /** Largest first. */
  ranked(): LargestFile[] {
    return this.heap.ranked();
  }
}
