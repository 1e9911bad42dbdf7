import { AGE_BUCKETS } from './age-buckets.js';
import { BoundedHeap } from './bounded-heap.js';
import { ByteSum, type ByteAmount } from './byte-sum.js';
import { LargestFiles } from './largest-files.js';
import { addSubtree, rollUpByDepth, type SubtreeCounts } from './roll-up.js';
import { sixTallies } from './usage-accumulator.js';
import { EntryKind, TallyAccumulator } from './usage-tally.js';
import { keyDepth, parentKey } from '../sdk/path-key.js';

/** An atime bucket index (AGE_BUCKETS) is cold from a year on: nobody has read the data for a year or more. */
export const FIRST_COLD_BUCKET = AGE_BUCKETS.findIndex((b) => b.bucket === '1to3y');

/** One owner's share of one directory: direct during the pass, recursive after `rollUp`. */
export interface OwnerDirectory extends SubtreeCounts {
  readonly key: string;
  readonly depth: number;
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
  private readonly dirs = new Map<string, OwnerDirectory>();
  /** Perf: the directory of the previous entry, compared by key identity first (ParentCache hands out the same string). */
  private lastKey: string | undefined;
  private lastDir: OwnerDirectory | undefined;

  constructor(
    readonly id: number,
    largest: number,
  ) {
    this.largest = new LargestFiles(largest);
  }

  /** The owner's directory at `key`, made when it is new. */
  directory(key: string): OwnerDirectory {
    if (key === this.lastKey) return this.lastDir!;
    let dir = this.dirs.get(key);
    if (dir === undefined) {
      dir = { key, depth: keyDepth(key), entries: 0, files: 0, dirs: 0, apparent: new ByteSum(), allocated: new ByteSum(), cold: new ByteSum() };
      this.dirs.set(key, dir);
    }
    this.lastKey = key;
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
  rollUp(): void {
    rollUpByDepth(
      [...this.dirs.values()],
      (dir) => dir.depth,
      (dir) => this.dirs.get(parentKey(dir.key)),
      (dir) => this.directory(parentKey(dir.key)),
      (up, dir) => {
        addSubtree(up, dir);
        up.cold.add(dir.cold.value());
      },
    );
  }

  /** The `n` directories holding most of `measure` (after `rollUp`), most first; ties in byte order of their paths. Zero never ranks. */
  topDirectories(n: number, measure: (dir: OwnerDirectory) => bigint): { dir: OwnerDirectory; value: bigint }[] {
    const heap = new BoundedHeap<{ dir: OwnerDirectory; value: bigint }>(n, (a, b) => a.value > b.value || (a.value === b.value && a.dir.key < b.dir.key));
    for (const dir of this.dirs.values()) {
      const value = measure(dir);
      if (value > 0n) heap.offer({ dir, value });
    }
    return heap.ranked();
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
