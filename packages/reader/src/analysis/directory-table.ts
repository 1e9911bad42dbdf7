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
  /**
   * Rows by the inode their directory's record gave, open addressing (row + 1, 0 for
   * none): a guess rowOfPath checks against the row's key. Perf: a Map of number keys
   * cost more to fill (141 k inodes past the small integers) than the key lookups it saves.
   */
  #byInode = new Int32Array(2 * FIRST_CAPACITY);
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

  /** Remembers that row `row`'s directory has inode `ino`, for rowOfPath. */
  setInode(row: number, ino: number | bigint): void {
    this.inode[row] = ino;
    if (typeof ino !== 'number') return;
    if (2 * this.count > this.#byInode.length) this.#rehash();
    const slots = this.#byInode;
    const mask = slots.length - 1;
    let at = inodeSlot(ino, mask);
    while (slots[at] !== 0 && this.inode[slots[at]! - 1] !== ino) at = (at + 1) & mask;
    slots[at] = row + 1;
  }

  /**
   * The row of the directory whose path is bytes [from, from + length) of `bytes` and
   * whose inode is `ino`, if the inode's row has that path; else undefined (look it up
   * by key). Perf: a slot of a typed array and a byte comparison, no key string made
   * and hashed for each run of rows under a directory header (131 k on the bench
   * corpus). The path decides, never the inode alone: two mounted filesystems share
   * inode numbers.
   */
  rowOfPath(ino: number | bigint, bytes: Uint8Array, from: number, length: number): number | undefined {
    if (typeof ino !== 'number') return undefined;
    const slots = this.#byInode;
    const mask = slots.length - 1;
    let at = inodeSlot(ino, mask);
    while (slots[at] !== 0 && this.inode[slots[at]! - 1] !== ino) at = (at + 1) & mask;
    if (slots[at] === 0) return undefined;
    const row = slots[at]! - 1;
    const key = this.keys[row]!;
    if (key.length !== length) return undefined;
    // From the end: sibling directories differ in their last name.
    for (let k = length - 1; k >= 0; k--) if (key.charCodeAt(k) !== bytes[from + k]) return undefined;
    return row;
  }

  #rehash(): void {
    const old = this.#byInode;
    let size = old.length;
    while (size < 4 * this.count) size *= 2;
    this.#byInode = new Int32Array(size);
    for (const slot of old) if (slot !== 0) this.setInode(slot - 1, this.inode[slot - 1]!);
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
      const next = new Float64Array(capacity);
      if (fill !== 0) next.fill(fill, old.length);
      next.set(old);
      return next;
    };
    const parent = new Int32Array(capacity).fill(-1, this.parent.length);
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

/** Where inode `ino` starts probing in a table of mask + 1 slots (a power of two). */
function inodeSlot(ino: number, mask: number): number {
  // The low 32 bits, mixed (Fibonacci hashing): consecutive inodes spread over the table.
  return (Math.imul(ino | 0, 0x9e3779b1) >>> 0) & mask;
}
