import { allocatedAmount, entryKey, isRoot, sizeAmount } from '../sdk/entry-in-place.js';
import { HardLinks, hardLinkId, inodeId } from './hard-links.js';
import { ParentCache } from './parent-cache.js';
import { addSubtree, rollUpByDepth } from './roll-up.js';
import { keyDepth, keyPaths, parentKey } from '../sdk/path-key.js';
import { ByteSum, type ByteAmount } from './byte-sum.js';
import type { RootPath } from '../sdk/root-path.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';
import type { WalkEntry } from '../sdk/record.js';
import { blockAmount, Field } from '../format/frame-entry.js';
import { frameRowsOfBlock, type EntryBlock, type FrameRowsBlock } from '../sdk/entry-block.js';
import { ENTRY_TYPE_NAMES, type EntryTypeName } from '../format/layout.js';

/** One directory's totals. Recursive figures include the directory itself, as du counts it. */
export interface DirectoryTotal {
  readonly path: string;
  readonly relativePathBytes: Uint8Array;
  readonly pathBytes: Uint8Array;
  /** 0 for the root. */
  readonly depth: number;
  /** The directory's own inode and device (0n and null when its record is missing, e.g. excluded). */
  readonly inode: bigint;
  readonly dev: bigint | null;
  /** Entries directly inside it, and their sizes. */
  readonly directEntries: number;
  readonly directFiles: number;
  readonly directDirs: number;
  readonly directBytes: bigint;
  /** Everything below it and itself; a hard-linked file counts once, in one directory. */
  readonly entries: number;
  readonly files: number;
  readonly dirs: number;
  /** Sum of st_size. */
  readonly apparentBytes: bigint;
  /** Sum of st_blocks * 512; null in a --compact walk, which does not record blocks. */
  readonly allocatedBytes: bigint | null;
  /** The newest mtime of it and everything below it (whole seconds), as `du --time` shows; -Infinity when nothing was read. */
  readonly newestMtime: number;
}

/** What `directoryTotals` reads besides the walk. */
export interface DirectoryTotalsOptions extends Pick<RecordsOptions, 'onCorrupt' | 'signal'> {
  /**
   * Called with every entry but the root, the key (latin1 relative path) of the
   * directory holding it, and its st_size and st_blocks x 512 as exact amounts (null in
   * a --compact walk), in the order read: a caller that also wants each directory's
   * children (browse's index) has them in the same pass, with no BigInt made for them.
   */
  readonly onEntry?: (e: WalkEntry, parentKey: string, size: ByteAmount, allocated: ByteAmount | null) => void;
}

/** Mutable accumulator of one directory, keyed by its relative path (latin1, one char per byte). */
interface Accumulator {
  readonly key: string;
  readonly depth: number;
  /** The parent's accumulator, once this directory's own record was read. */
  parent: Accumulator | undefined;
  inode: bigint;
  dev: bigint | null;
  directEntries: number;
  directFiles: number;
  directDirs: number;
  readonly directBytes: ByteSum;
  entries: number;
  files: number;
  dirs: number;
  readonly apparent: ByteSum;
  readonly allocated: ByteSum;
  newestMtime: number;
}

/** A hard-linked file's link that counts (hard-links.ts: the smallest path), credited to its directory once every link was met. */
interface LinkCredit {
  readonly key: string;
  readonly dirKey: string;
  readonly type: EntryTypeName;
  readonly size: ByteAmount;
  readonly allocated: ByteAmount;
}

/**
 * Totals for every directory of a walk: direct children, and recursive entry and
 * file counts, apparent and allocated bytes, with hard links counted once per
 * (dev, inode). Exact: byte sums stay exact past 2^53 (ByteSum). Memory grows with
 * the number of directories (and of hard-linked files), not of entries: records stream past.
 */
export async function directoryTotals(walk: Walk, options: DirectoryTotalsOptions = {}): Promise<DirectoryTotal[]> {
  const acc = new DirectoryTotalsAccumulator(options.onEntry);
  for await (const block of walk.entryBlocks(options)) acc.addBlock(block);
  return acc.totals(walk.root);
}

/** directoryTotals fed a block of entries at a time, for a pass that feeds other analyses too (report-summaries.ts). */
export class DirectoryTotalsAccumulator {
  readonly #dirs = new Map<string, Accumulator>();
  readonly #links = new HardLinks<LinkCredit>();
  readonly #parents = new ParentCache((key) => this.#get(key));
  #compact = false;

  constructor(private readonly onEntry?: DirectoryTotalsOptions['onEntry']) {}

  #get(key: string): Accumulator {
    let acc = this.#dirs.get(key);
    if (acc === undefined) {
      acc = newAccumulator(key);
      this.#dirs.set(key, acc);
    }
    return acc;
  }

  addBlock(block: EntryBlock): void {
    const rows = frameRowsOfBlock(block);
    if (rows !== undefined) return this.#addRows(rows);
    const onEntry = this.onEntry;
    const parents = this.#parents;
    // Perf: an entry that is not a directory and has one link makes no BigInt, key string
    // or Map lookup here (sdk/entry-in-place.ts, parent-cache.ts): 2.0 -> 1.4 CPU s per 1 M entries.
    for (const e of block.entries) {
      const type = e.type;
      const size = sizeAmount(e);
      const recorded = allocatedAmount(e);
      let allocated = recorded;
      if (allocated === null) {
        this.#compact = true;
        allocated = 0;
      }
      if (type === 'dir') {
        const key = entryKey(e);
        const self = this.#get(key);
        self.inode = e.inode;
        self.dev = e.dev;
        self.dirs += 1;
        credit(self, type, size, allocated);
        if (e.mtime > self.newestMtime) self.newestMtime = e.mtime;
        if (key !== '') {
          self.parent = parents.of(e);
          countDirect(self.parent, type, size);
          onEntry?.(e, self.parent.key, size, recorded);
        }
        continue;
      }
      if (isRoot(e)) {
        // A walk of a single file: the root is that file.
        const root = this.#get('');
        credit(root, type, size, allocated);
        root.newestMtime = e.mtime;
        continue;
      }
      const parent = parents.of(e);
      countDirect(parent, type, size);
      if (e.mtime > parent.newestMtime) parent.newestMtime = e.mtime;
      onEntry?.(e, parent.key, size, recorded);
      const linkId = hardLinkId(e);
      if (linkId !== null) this.#links.take(linkId, { key: entryKey(e), dirKey: parent.key, type, size, allocated });
      else credit(parent, type, size, allocated);
    }
  }

  /**
   * The rows of a format-2 block: each as addBlock
   * counts an entry. Perf: fields are read from the block's columns and a row's parent
   * is its directory header, looked up once per run of rows under it; only a directory
   * or a hard-linked file makes a key.
   */
  #addRows(rows: FrameRowsBlock): void {
    const { frame: block, from } = rows;
    const onEntry = this.onEntry;
    const { types, dirOf } = block;
    const full = block.fullAttrs;
    if (!full) this.#compact = true;
    let header = -1;
    let parent: Accumulator | undefined;
    for (let i = from, to = from + rows.length; i < to; i++) {
      const type = ENTRY_TYPE_NAMES[types[i]!]!;
      const size = block.size(i);
      const recorded = full ? blockAmount(block.blocks(i)) : null;
      const allocated = recorded ?? 0;
      const mtime = Number(block.mtime(i));
      const h = dirOf[i]!;
      const isRoot = block.isRoot(i);
      if (h !== header && !isRoot) {
        header = h;
        parent = this.#parents.ofHeader(block, h);
      }
      if (type === 'dir') {
        const key = isRoot ? '' : block.pathKey(i);
        const self = this.#get(key);
        self.inode = BigInt(block.ino(i));
        self.dev = full ? BigInt(block.dev(i)) : null;
        self.dirs += 1;
        credit(self, type, size, allocated);
        if (mtime > self.newestMtime) self.newestMtime = mtime;
        if (!isRoot) {
          self.parent = parent;
          countDirect(parent!, type, size);
          onEntry?.(rows.entry(i - from), parent!.key, size, recorded);
        }
        continue;
      }
      if (isRoot) {
        // A walk of a single file: the root is that file.
        const root = this.#get('');
        credit(root, type, size, allocated);
        root.newestMtime = mtime;
        continue;
      }
      countDirect(parent!, type, size);
      if (mtime > parent!.newestMtime) parent!.newestMtime = mtime;
      onEntry?.(rows.entry(i - from), parent!.key, size, recorded);
      if (full && block.attr(i, Field.nlink) > 1) {
        this.#links.take(inodeId(block.dev(i), block.ino(i)), { key: block.pathKey(i), dirKey: parent!.key, type, size, allocated });
      } else credit(parent!, type, size, allocated);
    }
  }

  /** Every directory's totals, in path byte order; call once, after the last batch. */
  totals(root: RootPath): DirectoryTotal[] {
    const dirs = this.#dirs;
    for (const c of this.#links.credits()) credit(this.#get(c.dirKey), c.type, c.size, c.allocated);
    rollUpByDepth(
      dirs.values(),
      (acc) => acc.depth,
      // Perf: a directory whose own record was read knows its parent; only one seen
      // just as a parent is looked up by key.
      (acc) => acc.parent ?? dirs.get(parentKey(acc.key)),
      (acc) => this.#get(parentKey(acc.key)),
      (up, acc) => {
        addSubtree(up, acc);
        if (acc.newestMtime > up.newestMtime) up.newestMtime = acc.newestMtime;
      },
    );
    return [...dirs.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((acc) => toTotal(acc, root, this.#compact));
  }
}

function newAccumulator(key: string): Accumulator {
  return {
    key,
    depth: keyDepth(key),
    parent: undefined,
    inode: 0n,
    dev: null,
    directEntries: 0,
    directFiles: 0,
    directDirs: 0,
    directBytes: new ByteSum(),
    entries: 0,
    files: 0,
    dirs: 0,
    apparent: new ByteSum(),
    allocated: new ByteSum(),
    newestMtime: -Infinity,
  };
}

function credit(acc: Accumulator, type: string, size: ByteAmount, allocated: ByteAmount): void {
  acc.entries++;
  if (type === 'file') acc.files++;
  acc.apparent.add(size);
  acc.allocated.add(allocated);
}

function countDirect(dir: Accumulator, type: string, size: ByteAmount): void {
  dir.directEntries++;
  if (type === 'file') dir.directFiles++;
  else if (type === 'dir') dir.directDirs++;
  dir.directBytes.add(size);
}

function toTotal(acc: Accumulator, root: RootPath, compact: boolean): DirectoryTotal {
  // Perf: named fields, not a spread of keyPaths(): the spread made this 34% of directoryTotals (141k directories).
  const { path, relativePathBytes, pathBytes } = keyPaths(acc.key, root);
  return {
    path,
    relativePathBytes,
    pathBytes,
    depth: acc.depth,
    inode: acc.inode,
    dev: acc.dev,
    directEntries: acc.directEntries,
    directFiles: acc.directFiles,
    directDirs: acc.directDirs,
    directBytes: acc.directBytes.value(),
    entries: acc.entries,
    files: acc.files,
    dirs: acc.dirs,
    apparentBytes: acc.apparent.value(),
    allocatedBytes: compact ? null : acc.allocated.value(),
    newestMtime: acc.newestMtime,
  };
}
