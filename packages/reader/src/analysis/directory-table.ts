import { ByteColumn, type ByteAmount } from './byte-sum.js';
import { rollUpByDepth } from './roll-up.js';
import { keyDepth, parentKey } from '../sdk/path-key.js';

const FIRST_CAPACITY = 1024;

/**
 * directoryTotals' figures of every directory met, one row each, found by its key
 * (path-key.ts). Perf: columns (typed arrays, ByteColumn), not an object per
 * directory: 141 k directories of the bench corpus made 564 k objects (an accumulator
 * and its three ByteSums) that outlived young-generation collections, and the roll-up
 * adds arrays' elements instead of chasing them.
 */
export class DirectoryTable {
  readonly #rows = new Map<string, number>();
  readonly keys: string[] = [];
  count = 0;
  /** The parent's row once this directory's own record was read, else -1. */
  parent = new Int32Array(FIRST_CAPACITY).fill(-1);
  depth = new Int32Array(FIRST_CAPACITY);
  /** The directory's own inode and device as read (exact numbers, or bigints); 0 and null when its record is missing. */
  readonly inode: (number | bigint)[] = [];
  readonly dev: (number | bigint | null)[] = [];
  directEntries = new Float64Array(FIRST_CAPACITY);
  directFiles = new Float64Array(FIRST_CAPACITY);
  directDirs = new Float64Array(FIRST_CAPACITY);
  readonly directBytes = new ByteColumn(FIRST_CAPACITY);
  entries = new Float64Array(FIRST_CAPACITY);
  files = new Float64Array(FIRST_CAPACITY);
  dirs = new Float64Array(FIRST_CAPACITY);
  readonly apparent = new ByteColumn(FIRST_CAPACITY);
  readonly allocated = new ByteColumn(FIRST_CAPACITY);
  newestMtime = new Float64Array(FIRST_CAPACITY).fill(-Infinity);

  /** The row of directory `key`, made empty when it is new. */
  row(key: string): number {
    const row = this.#rows.get(key);
    return row === undefined ? this.#add(key) : row;
  }

  /** The row of `key` if it was met. */
  find(key: string): number | undefined {
    return this.#rows.get(key);
  }

  /** Counts an entry in the figures of row `row` below it and itself (recursive ones, before the roll-up). */
  credit(row: number, isFile: boolean, size: ByteAmount, allocated: ByteAmount): void {
    this.entries[row] = this.entries[row]! + 1;
    if (isFile) this.files[row] = this.files[row]! + 1;
    this.apparent.add(row, size);
    this.allocated.add(row, allocated);
  }

  /** Counts an entry directly inside row `row`. */
  countDirect(row: number, isFile: boolean, isDir: boolean, size: ByteAmount): void {
    this.directEntries[row] = this.directEntries[row]! + 1;
    if (isFile) this.directFiles[row] = this.directFiles[row]! + 1;
    else if (isDir) this.directDirs[row] = this.directDirs[row]! + 1;
    this.directBytes.add(row, size);
  }

  /**
   * Children before parents (roll-up.ts): every row ends up holding its whole subtree
   * and its newest mtime; a parent never met is made, so what lies below it reaches the root.
   */
  rollUp(): void {
    const rows = Array.from({ length: this.count }, (_, row) => row);
    rollUpByDepth(
      rows,
      (row) => this.depth[row]!,
      // Perf: a directory whose own record was read knows its parent; only one seen just as a parent is looked up by key.
      (row) => {
        const up = this.parent[row]!;
        return up >= 0 ? up : this.find(parentKey(this.keys[row]!));
      },
      (row) => this.row(parentKey(this.keys[row]!)),
      (up, row) => {
        this.entries[up] = this.entries[up]! + this.entries[row]!;
        this.files[up] = this.files[up]! + this.files[row]!;
        this.dirs[up] = this.dirs[up]! + this.dirs[row]!;
        this.apparent.addRow(up, row);
        this.allocated.addRow(up, row);
        if (this.newestMtime[row]! > this.newestMtime[up]!) this.newestMtime[up] = this.newestMtime[row]!;
      },
    );
  }

  #add(key: string): number {
    const row = this.count++;
    if (row === this.depth.length) this.#grow(2 * row);
    this.#rows.set(key, row);
    this.keys.push(key);
    this.depth[row] = keyDepth(key);
    this.inode.push(0);
    this.dev.push(null);
    return row;
  }

  #grow(capacity: number): void {
    const grown = (old: Float64Array, fill: number): Float64Array<ArrayBuffer> => {
      const next = new Float64Array(capacity).fill(fill);
      next.set(old);
      return next;
    };
    const parent = new Int32Array(capacity).fill(-1);
    parent.set(this.parent);
    this.parent = parent;
    const depth = new Int32Array(capacity);
    depth.set(this.depth);
    this.depth = depth;
    this.directEntries = grown(this.directEntries, 0);
    this.directFiles = grown(this.directFiles, 0);
    this.directDirs = grown(this.directDirs, 0);
    this.entries = grown(this.entries, 0);
    this.files = grown(this.files, 0);
    this.dirs = grown(this.dirs, 0);
    this.newestMtime = grown(this.newestMtime, -Infinity);
    this.directBytes.grow(capacity);
    this.apparent.grow(capacity);
    this.allocated.grow(capacity);
  }
}
