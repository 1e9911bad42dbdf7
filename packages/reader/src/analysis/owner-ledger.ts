import { AGE_BUCKETS } from './age-buckets.js';
import { BoundedHeap } from './bounded-heap.js';
import { ByteSum, type ByteAmount } from './byte-sum.js';
import type { DirectoryIndex, DirectoryNode } from './directory-index.js';
import { LargestFiles } from './largest-files.js';
import { addSubtree, rollUpByDepth, type SubtreeCounts } from './roll-up.js';
import { sixTallies } from './usage-accumulator.js';
import { EntryKind, TallyAccumulator } from './usage-tally.js';

/** An atime bucket index (AGE_BUCKETS) is cold from a year on: nobody has read the data for a year or more. */
export const FIRST_COLD_BUCKET = AGE_BUCKETS.findIndex((b) => b.bucket === '1to3y');

/** One owner's share of one directory: direct during the pass, recursive after `rollUp`. */
export interface OwnerDirectory extends SubtreeCounts {
  readonly node: DirectoryNode;
  /** Apparent bytes not read for a year or more. */
  readonly cold: ByteSum;
}

/**
 * Everything one owner's page is made of, fed one entry at a time: their tally, their
 * ages, their directories and their largest files. Memory is one `OwnerDirectory` per
 * directory that holds something of theirs (and its ancestors, after the roll-up), and
 * the bounded heaps: never one object per entry.
 */
export class OwnerLedger {
  readonly tally = new TallyAccumulator();
  readonly mtime = sixTallies();
  readonly atime = sixTallies();
  readonly largest: LargestFiles;
  private readonly dirs = new Map<DirectoryNode, OwnerDirectory>();
  /** Perf: the directory of the previous entry of theirs, which the next one is nearly always in. */
  private lastNode: DirectoryNode | undefined;
  private lastDir: OwnerDirectory | undefined;

  constructor(
    readonly id: number,
    largest: number,
  ) {
    this.largest = new LargestFiles(largest);
  }

  /** The owner's part of directory `node`, made when it is new. */
  directory(node: DirectoryNode): OwnerDirectory {
    if (node === this.lastNode) return this.lastDir!;
    let dir = this.dirs.get(node);
    if (dir === undefined) {
      dir = { node, entries: 0, files: 0, dirs: 0, apparent: new ByteSum(), allocated: new ByteSum(), cold: new ByteSum() };
      this.dirs.set(node, dir);
    }
    this.lastNode = node;
    this.lastDir = dir;
    return dir;
  }

  /** Counts an entry in the owner's totals and ages (`mtimeAt`, `atimeAt`: AGE_BUCKETS indexes). */
  count(kind: EntryKind, size: ByteAmount, allocated: ByteAmount, mtimeAt: number, atimeAt: number): void {
    this.tally.add(kind, size, allocated);
    this.mtime[mtimeAt]!.add(kind, size, allocated);
    this.atime[atimeAt]!.add(kind, size, allocated);
  }

  /** Each directory's own figures into recursive ones: everything of theirs below it (roll-up.ts). */
  rollUp(index: DirectoryIndex): void {
    rollUpByDepth(
      [...this.dirs.values()],
      (dir) => dir.node.depth,
      (dir) => this.dirs.get(index.parent(dir.node)),
      (dir) => this.directory(index.parent(dir.node)),
      (up, dir) => {
        addSubtree(up, dir);
        up.cold.addSum(dir.cold);
      },
    );
  }

  /** The `n` directories holding most of `measure` (after `rollUp`), most first; ties in byte order of their paths. Zero never ranks. */
  topDirectories(n: number, measure: (dir: OwnerDirectory) => ByteSum): OwnerDirectory[] {
    const heap = new BoundedHeap<{ dir: OwnerDirectory; value: ByteAmount }>(
      n,
      // Numbers and bigints compare exactly with each other.
      (a, b) => a.value > b.value || (a.value == b.value && a.dir.node.key < b.dir.node.key),
    );
    for (const dir of this.dirs.values()) {
      const value = measure(dir).amount();
      if (value > 0) heap.offer({ dir, value });
    }
    return heap.ranked().map(({ dir }) => dir);
  }
}

/** Adds (sign 1) or removes (-1) an entry in an owner's directory. */
export function creditDirectory(dir: OwnerDirectory, kind: EntryKind, size: ByteAmount, allocated: ByteAmount, cold: boolean, sign: 1 | -1): void {
  dir.entries += sign;
  if (kind === EntryKind.FILE) dir.files += sign;
  else if (kind === EntryKind.DIR) dir.dirs += sign;
  if (sign === 1) {
    dir.apparent.add(size);
    dir.allocated.add(allocated);
    if (cold) dir.cold.add(size);
  } else {
    dir.apparent.subtract(size);
    dir.allocated.subtract(allocated);
    if (cold) dir.cold.subtract(size);
  }
}
