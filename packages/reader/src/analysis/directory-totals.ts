import { allocatedAmount, entryKey, isRoot, sizeAmount } from '../sdk/entry-in-place.js';
import { HardLinks, hardLinkId, rowHardLinkId } from './hard-links.js';
import { ParentCache } from './parent-cache.js';
import { DirectoryTable } from './directory-table.js';
import { RolledUpDirectories } from './rolled-up-directories.js';
import type { ByteAmount } from './byte-sum.js';
import type { RootPath } from '../sdk/root-path.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';
import type { WalkEntry } from '../sdk/record.js';
import { blockAmount } from '../format/frame-entry.js';
import { frameRowsOfBlock, type EntryBlock, type FrameRowsBlock } from '../sdk/entry-block.js';
import { ENTRY_TYPE_NAMES } from '../format/layout.js';

const DIR = ENTRY_TYPE_NAMES.indexOf('dir');
const FILE = ENTRY_TYPE_NAMES.indexOf('file');

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

/** A hard-linked file's link that counts (hard-links.ts: the smallest path), credited to its directory once every link was met. */
interface LinkCredit {
  readonly key: string;
  /** Its directory's row (directory-table.ts). */
  readonly dir: number;
  readonly isFile: boolean;
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
  readonly #table = new DirectoryTable();
  readonly #links = new HardLinks<LinkCredit>();
  readonly #parents = new ParentCache((key) => this.#table.row(key));
  #compact = false;

  constructor(private readonly onEntry?: DirectoryTotalsOptions['onEntry']) {}

  addBlock(block: EntryBlock): void {
    const rows = frameRowsOfBlock(block);
    if (rows !== undefined) return this.#addRows(rows);
    const onEntry = this.onEntry;
    const parents = this.#parents;
    const table = this.#table;
    // Perf: an entry that is not a directory and has one link makes no BigInt, key string
    // or Map lookup here (sdk/entry-in-place.ts, parent-cache.ts): 2.0 -> 1.4 CPU s per 1 M entries.
    for (const e of block.entries) {
      const type = e.type;
      const isFile = type === 'file';
      const size = sizeAmount(e);
      const recorded = allocatedAmount(e);
      let allocated = recorded;
      if (allocated === null) {
        this.#compact = true;
        allocated = 0;
      }
      if (type === 'dir') {
        const key = entryKey(e);
        const self = table.row(key);
        table.inode[self] = e.inode;
        table.dev[self] = e.dev;
        table.dirs[self] = table.dirs[self]! + 1;
        table.credit(self, false, size, allocated);
        if (e.mtime > table.newestMtime[self]!) table.newestMtime[self] = e.mtime;
        if (key !== '') {
          const parent = parents.of(e);
          table.parent[self] = parent;
          table.countDirect(parent, false, true, size);
          onEntry?.(e, table.keys[parent]!, size, recorded);
        }
        continue;
      }
      if (isRoot(e)) {
        // A walk of a single file: the root is that file.
        const root = table.row('');
        table.credit(root, isFile, size, allocated);
        table.newestMtime[root] = e.mtime;
        continue;
      }
      const parent = parents.of(e);
      table.countDirect(parent, isFile, false, size);
      if (e.mtime > table.newestMtime[parent]!) table.newestMtime[parent] = e.mtime;
      onEntry?.(e, table.keys[parent]!, size, recorded);
      const linkId = hardLinkId(e);
      if (linkId !== null) this.#links.take(linkId, { key: entryKey(e), dir: parent, isFile, size, allocated });
      else table.credit(parent, isFile, size, allocated);
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
    const table = this.#table;
    const { types, dirOf } = block;
    const full = block.fullAttrs;
    if (!full) this.#compact = true;
    let header = -1;
    let parent = -1;
    for (let i = from, to = from + rows.length; i < to; i++) {
      const type = types[i]!;
      const isFile = type === FILE;
      const size = block.size(i);
      const recorded = full ? blockAmount(block.blocks(i)) : null;
      const allocated = recorded ?? 0;
      const mtime = Number(block.mtime(i));
      const h = dirOf[i]!;
      const isRoot = block.isRoot(i);
      if (h !== header && !isRoot) {
        header = h;
        const dirs = block.dirs;
        // start() first: joining the path may move the paths to a larger arena.
        const at = dirs.start(h);
        parent = table.rowOfPath(dirs.ino(h), dirs.arena, at, dirs.length(h)) ?? this.#parents.ofHeader(block, h);
      }
      if (type === DIR) {
        const self = table.row(isRoot ? '' : block.pathKey(i));
        table.setInode(self, block.ino(i));
        table.dev[self] = full ? block.dev(i) : null;
        table.dirs[self] = table.dirs[self]! + 1;
        table.credit(self, false, size, allocated);
        if (mtime > table.newestMtime[self]!) table.newestMtime[self] = mtime;
        if (!isRoot) {
          table.parent[self] = parent;
          table.countDirect(parent, false, true, size);
          onEntry?.(rows.entry(i - from), table.keys[parent]!, size, recorded);
        }
        continue;
      }
      if (isRoot) {
        // A walk of a single file: the root is that file.
        const root = table.row('');
        table.credit(root, isFile, size, allocated);
        table.newestMtime[root] = mtime;
        continue;
      }
      table.countDirect(parent, isFile, false, size);
      if (mtime > table.newestMtime[parent]!) table.newestMtime[parent] = mtime;
      onEntry?.(rows.entry(i - from), table.keys[parent]!, size, recorded);
      const linkId = rowHardLinkId(block, i);
      if (linkId !== null) this.#links.take(linkId, { key: block.pathKey(i), dir: parent, isFile, size, allocated });
      else table.credit(parent, isFile, size, allocated);
    }
  }

  /** Every directory's totals, in path byte order; call once, after the last batch. */
  totals(root: RootPath): DirectoryTotal[] {
    return this.rolledUp(root).all();
  }

  /** Every directory's totals after the roll-up, made into DirectoryTotals only as asked for; call once, after the last batch. */
  rolledUp(root: RootPath): RolledUpDirectories {
    const table = this.#table;
    for (const c of this.#links.credits()) table.credit(c.dir, c.isFile, c.size, c.allocated);
    table.rollUp();
    return new RolledUpDirectories(table, root, this.#compact);
  }
}
