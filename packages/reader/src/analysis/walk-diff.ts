import { countOption } from './count-option.js';
import { diffLedgers, DiffSpace } from './diff-space.js';
import { DiffSideInWorker } from './diff-side-in-worker.js';
import { rollUpByDepth } from './roll-up.js';
import type { GrowthRow, Ranked } from './growth-ledger.js';
import { LargestFiles, type LargestFile } from './largest-files.js';
import { entryKind, TallyAccumulator } from './usage-tally.js';
import { sizeAmount } from '../sdk/entry-in-place.js';
import { keyDepth, keyPaths, parentKey } from '../sdk/path-key.js';
import type { WalkEntry } from '../sdk/record.js';
import { keyedPathBatches, sortMemoryRecords, type KeyedBatch, type SortOptions } from '../sdk/sort-by-path.js';
import { defaultThreads } from '../sdk/helper-threads.js';
import type { RecordsOptions, Walk } from '../sdk/walk.js';

/** How many entries, regular files, directories and bytes (sum of st_size) a set of entries holds. */
export interface ChangeTally {
  readonly entries: number;
  readonly files: number;
  readonly dirs: number;
  readonly bytes: bigint;
}

/** Entries whose path is in both walks and whose size or mtime changed. */
export interface ModifiedTally {
  readonly entries: number;
  readonly files: number;
  readonly oldBytes: bigint;
  readonly newBytes: bigint;
}

/** A walk's totals, each hard-linked inode once. */
export interface SideTotals extends ChangeTally {
  /** Sum of st_blocks x 512; null when either walk is --compact. */
  readonly allocatedBytes: bigint | null;
}

export interface DirectoryGrowth extends GrowthRow<string> {
  /** The directory's path in the new walk's terms (root argument joined with the relative path). */
  readonly path: string;
  readonly relativePathBytes: Uint8Array;
  readonly pathBytes: Uint8Array;
  /** 0 for the root. */
  readonly depth: number;
}

/**
 * What changed between two walks of one tree. Two kinds of figures, deliberately:
 * - added, deleted, modified, unchanged compare NAMES, like two `find` listings: an
 *   entry is the same when its path bytes are; a path that changed type (a file that
 *   became a directory) is deleted and added; a non-directory in both walks is modified
 *   when its size or mtime differs; a directory in both is unchanged (its own mtime
 *   follows its children, which are counted themselves). A new hard link is a new
 *   file with its size.
 * - old, new and the growth by directory, owner and extension count SPACE, like du:
 *   each hard-linked inode once per walk, in the directory of its smallest path, so
 *   they add up to the change in the root's total.
 */
export interface WalkDiff {
  readonly old: SideTotals;
  readonly new: SideTotals;
  readonly added: ChangeTally;
  readonly deleted: ChangeTally;
  readonly modified: ModifiedTally;
  readonly unchanged: ChangeTally;
  /** Recursive change of each directory (its own size and everything below it). */
  readonly directories: Ranked<DirectoryGrowth>;
  /** By uid and by gid; null is an owner a --compact walk did not record. */
  readonly users: Ranked<GrowthRow<number | null>>;
  readonly groups: Ranked<GrowthRow<number | null>>;
  /** Regular files by extension (extensionKey: latin1, as usageSummary keys them); '' is no extension. */
  readonly extensions: Ranked<GrowthRow<string>>;
  /** The largest regular files that are new, largest first. */
  readonly largestNew: LargestFile[];
}

export interface WalkDiffOptions extends SortOptions, Pick<RecordsOptions, 'onCorrupt' | 'signal'> {
  /**
   * Read the new walk (sort it, credit its space) in a worker thread while this thread sorts the old one, then the old walk's space there while this thread merges. Default:
   * when there is more than one core and the new walk's thread files pass 16 MiB.
   */
  parallelSort?: boolean;
  /** Rows in each grown and shrunk list (default 20). */
  top?: number;
  /** Largest new files kept (default: `top`). */
  largest?: number;
}

/** One side of the merge-join: the current entry of a walk in path order, and its key. */
class SortedCursor {
  private entries: WalkEntry[] = [];
  private keys: string[] = [];
  private index = 0;
  done = false;

  constructor(private readonly batches: AsyncGenerator<KeyedBatch>) {}

  get entry(): WalkEntry {
    return this.entries[this.index]!;
  }

  get key(): string {
    return this.keys[this.index]!;
  }

  start(): Promise<void> {
    return this.refill();
  }

  /** Moves to the next entry of the current batch; false when the batch is used up (then refill()). */
  step(): boolean {
    return ++this.index < this.entries.length;
  }

  async refill(): Promise<void> {
    for (;;) {
      const next = await this.batches.next();
      if (next.done === true) {
        this.done = true;
        return;
      }
      if (next.value.entries.length > 0) {
        ({ entries: this.entries, keys: this.keys } = next.value);
        this.index = 0;
        return;
      }
    }
  }

  async close(): Promise<void> {
    await this.batches.return(undefined);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareOwners(a: number | null, b: number | null): number {
  return (a ?? -1) - (b ?? -1);
}

/** Counts `e` by name: its st_size, no allocated bytes. */
function countEntry(t: TallyAccumulator, e: WalkEntry): void {
  t.add(entryKind(e.type), sizeAmount(e), 0);
}

function changeTally(t: TallyAccumulator): ChangeTally {
  return { entries: t.entries, files: t.files, dirs: t.dirs, bytes: t.apparent.value() };
}

/**
 * Compares two walks of the same root. Both are read in canonical path order
 * (`records({ sort: 'path' })`, an external merge sort) and merge-joined on their
 * relative path bytes, so memory grows with the number of directories, owners,
 * extensions and hard-linked files, never with the number of entries.
 */
export async function diffWalks(oldWalk: Walk, newWalk: Walk, options: WalkDiffOptions = {}): Promise<WalkDiff> {
  const top = countOption('diffWalks', 'top', options.top ?? 20);
  const largest = countOption('diffWalks', 'largest', options.largest ?? top);
  const ledgers = diffLedgers();
  const oldSpace = new DiffSpace('old', ledgers);
  const newSpace = new DiffSpace('new', ledgers);
  const added = new TallyAccumulator();
  const deleted = new TallyAccumulator();
  const unchanged = new TallyAccumulator();
  const modified = { entries: 0, files: 0, oldBytes: 0n, newBytes: 0n };
  const largestNew = new LargestFiles(largest);

  // The two walks are independent until the merge: a big new walk is sorted (and its
  // space credited) in a worker thread while this thread sorts the old one; the worker
  // then credits the old walk's space while this thread merges. In one thread, each
  // walk's space is credited as it is read for its sort.
  const parallel = options.parallelSort ?? defaultThreads(newWalk, 2) > 1;
  const sort = {
    // Two sorts at once hold half as many entries each: together, what one sort holds.
    sortMemoryRecords: parallel ? Math.ceil(sortMemoryRecords(options) / 2) : options.sortMemoryRecords,
    tempDir: options.tempDir,
    onCorrupt: options.onCorrupt,
    signal: options.signal,
  };
  const newSort = parallel ? new DiffSideInWorker(newWalk, 'new', { walk: oldWalk, side: 'old' }, sort) : null;
  const olds = new SortedCursor(keyedPathBatches(oldWalk, { ...sort, onBlock: newSort === null ? oldSpace.creditBlock : undefined }));
  const news = new SortedCursor(newSort?.batches() ?? keyedPathBatches(newWalk, { ...sort, onBlock: newSpace.creditBlock }));
  try {
    await olds.start();
    await news.start();
    while (!olds.done || !news.done) {
      const takeOld = news.done || (!olds.done && olds.key <= news.key);
      const takeNew = olds.done || (!news.done && news.key <= olds.key);
      if (takeOld && takeNew) {
        const o = olds.entry;
        const n = news.entry;
        if (o.type !== n.type) {
          countEntry(deleted, o);
          countEntry(added, n);
          if (n.type === 'file') largestNew.offerEntry(n);
        } else if (o.type !== 'dir' && (sizeAmount(o) !== sizeAmount(n) || o.mtimeExact !== n.mtimeExact)) {
          modified.entries++;
          if (o.type === 'file') modified.files++;
          modified.oldBytes += o.size;
          modified.newBytes += n.size;
        } else {
          countEntry(unchanged, n);
        }
      } else if (takeOld) {
        countEntry(deleted, olds.entry);
      } else {
        const n = news.entry;
        countEntry(added, n);
        if (n.type === 'file') largestNew.offerEntry(n);
      }
      if (takeOld && !olds.step()) await olds.refill();
      if (takeNew && !news.step()) await news.refill();
    }
    if (newSort === null) {
      oldSpace.finish();
      newSpace.finish();
    } else {
      for (const part of await newSort.spaces()) (part.side === 'old' ? oldSpace : newSpace).addPart(part);
    }
  } finally {
    await olds.close();
    await news.close();
    await newSort?.dispose();
  }

  // Each directory's direct totals into recursive ones; a parent the walk has no record of (e.g. excluded) is made.
  const directories = ledgers.directories;
  rollUpByDepth(
    directories.keys(),
    keyDepth,
    (key) => {
      const parent = parentKey(key);
      return directories.has(parent) ? parent : undefined;
    },
    parentKey,
    (parent, key) => directories.addInto(parent, key),
  );
  const compact = oldSpace.compact || newSpace.compact;
  const side = (t: TallyAccumulator): SideTotals => ({ ...changeTally(t), allocatedBytes: compact ? null : t.allocated.value() });
  const dirs = ledgers.directories.ranked(top, compareStrings);
  const toDirectory = (row: GrowthRow<string>): DirectoryGrowth => {
    return { ...row, ...keyPaths(row.key, newWalk.root), depth: keyDepth(row.key) };
  };
  return {
    old: side(oldSpace.totals),
    new: side(newSpace.totals),
    added: changeTally(added),
    deleted: changeTally(deleted),
    modified,
    unchanged: changeTally(unchanged),
    directories: { grown: dirs.grown.map(toDirectory), shrunk: dirs.shrunk.map(toDirectory) },
    users: ledgers.users.ranked(top, compareOwners),
    groups: ledgers.groups.ranked(top, compareOwners),
    extensions: ledgers.extensions.ranked(top, compareStrings),
    largestNew: largestNew.ranked(),
  };
}
