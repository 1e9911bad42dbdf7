import { BoundedHeap } from './bounded-heap.js';

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
  /** Whole seconds since 1970. */
  readonly mtime: number;
  readonly atime: number | null;
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

  /** False when a file of this size cannot get in (not even on a tie): callers then skip building it. */
  mayTake(size: bigint): boolean {
    const last = this.heap.threshold();
    return last === undefined ? this.heap.capacity > 0 : size >= last.size;
  }

  offer(file: LargestFile): void {
    this.heap.offer(file);
  }

  /** Largest first. */
  ranked(): LargestFile[] {
    return this.heap.ranked();
  }
}
