import { countOption } from './count-option.js';
import { extensionKey } from './extension.js';
import { GrowthLedger, type DiffSide, type GrowthRow, type Ranked } from './growth-ledger.js';
import { LargestFiles, type LargestFile } from './largest-files.js';
import { keyDepth, keyPaths, parentKey, pathKey } from '../sdk/path-key.js';
import type { WalkEntry } from '../sdk/record.js';
import type { SortOptions } from '../sdk/sort-by-path.js';
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
  /** Rows in each grown and shrunk list (default 20). */
  top?: number;
  /** Largest new files kept (default: `top`). */
  largest?: number;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareOwners(a: number | null, b: number | null): number {
  return (a ?? -1) - (b ?? -1);
}

class TallyCounter {
  entries = 0;
  files = 0;
  dirs = 0;
  bytes = 0n;
  allocated = 0n;
  compact = false;

  count(e: WalkEntry): void {
    this.entries++;
    if (e.type === 'file') this.files++;
    else if (e.type === 'dir') this.dirs++;
    this.bytes += e.size;
  }

  countSpace(e: WalkEntry): void {
    this.count(e);
    if (e.blocks === null) this.compact = true;
    else this.allocated += e.blocks * 512n;
  }

  tally(): ChangeTally {
    return { entries: this.entries, files: this.files, dirs: this.dirs, bytes: this.bytes };
  }
}

/** Everything one side of the diff adds to the space ledgers. */
class SpaceSide {
  readonly totals = new TallyCounter();
  /** Every hard-linked inode met; kept to the end (not dropped after nlink names): a tree changing during the walk can show more names than nlink said. */
  private readonly seenLinks = new Set<string>();

  constructor(
    private readonly side: DiffSide,
    private readonly ledgers: Ledgers,
  ) {}

  credit(e: WalkEntry, key: string): void {
    const isDir = e.type === 'dir';
    // Hard links once: the sorted stream meets an inode's smallest path first, where directoryTotals credits it too.
    if (!isDir && e.nlink !== null && e.nlink > 1) {
      const id = `${e.dev}:${e.inode}`;
      if (this.seenLinks.has(id)) return;
      this.seenLinks.add(id);
    }
    this.totals.countSpace(e);
    const isFile = e.type === 'file';
    const size = e.size;
    const { directories, users, groups, extensions } = this.ledgers;
    directories.credit(isDir || key === '' ? key : parentKey(key), this.side, size, isFile);
    users.credit(e.uid, this.side, size, isFile);
    groups.credit(e.gid, this.side, size, isFile);
    if (isFile) extensions.credit(extensionKey(key === '' ? e.pathBytes : e.relativePathBytes), this.side, size, true);
  }
}

interface Ledgers {
  readonly directories: GrowthLedger<string>;
  readonly users: GrowthLedger<number | null>;
  readonly groups: GrowthLedger<number | null>;
  readonly extensions: GrowthLedger<string>;
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
  const sort = { sort: 'path' as const, sortMemoryRecords: options.sortMemoryRecords, tempDir: options.tempDir, onCorrupt: options.onCorrupt, signal: options.signal };
  const ledgers: Ledgers = {
    directories: new GrowthLedger<string>(),
    users: new GrowthLedger<number | null>(),
    groups: new GrowthLedger<number | null>(),
    extensions: new GrowthLedger<string>(),
  };
  const oldSpace = new SpaceSide('old', ledgers);
  const newSpace = new SpaceSide('new', ledgers);
  const added = new TallyCounter();
  const deleted = new TallyCounter();
  const unchanged = new TallyCounter();
  const modified = { entries: 0, files: 0, oldBytes: 0n, newBytes: 0n };
  const largestNew = new LargestFiles(largest);

  const olds = oldWalk.records(sort)[Symbol.asyncIterator]();
  const news = newWalk.records(sort)[Symbol.asyncIterator]();
  try {
    let a = await olds.next();
    let b = await news.next();
    let aKey = a.done === true ? '' : pathKey(a.value.relativePathBytes);
    let bKey = b.done === true ? '' : pathKey(b.value.relativePathBytes);
    while (a.done !== true || b.done !== true) {
      const takeOld = b.done === true || (a.done !== true && aKey <= bKey);
      const takeNew = a.done === true || (b.done !== true && bKey <= aKey);
      if (takeOld && takeNew) {
        const o = a.value as WalkEntry;
        const n = b.value as WalkEntry;
        oldSpace.credit(o, aKey);
        newSpace.credit(n, bKey);
        if (o.type !== n.type) {
          deleted.count(o);
          added.count(n);
          if (n.type === 'file') largestNew.offerEntry(n);
        } else if (o.type !== 'dir' && (o.size !== n.size || o.mtimeExact !== n.mtimeExact)) {
          modified.entries++;
          if (o.type === 'file') modified.files++;
          modified.oldBytes += o.size;
          modified.newBytes += n.size;
        } else {
          unchanged.count(n);
        }
      } else if (takeOld) {
        const o = a.value as WalkEntry;
        oldSpace.credit(o, aKey);
        deleted.count(o);
      } else {
        const n = b.value as WalkEntry;
        newSpace.credit(n, bKey);
        added.count(n);
        if (n.type === 'file') largestNew.offerEntry(n);
      }
      if (takeOld) {
        a = await olds.next();
        if (a.done !== true) aKey = pathKey(a.value.relativePathBytes);
      }
      if (takeNew) {
        b = await news.next();
        if (b.done !== true) bKey = pathKey(b.value.relativePathBytes);
      }
    }
  } finally {
    await olds.return?.();
    await news.return?.();
  }

  rollUpDirectories(ledgers.directories);
  const compact = oldSpace.totals.compact || newSpace.totals.compact;
  const side = (t: TallyCounter): SideTotals => ({ ...t.tally(), allocatedBytes: compact ? null : t.allocated });
  const dirs = ledgers.directories.ranked(top, compareStrings);
  const toDirectory = (row: GrowthRow<string>): DirectoryGrowth => {
    return { ...row, ...keyPaths(row.key, newWalk.root), depth: keyDepth(row.key) };
  };
  return {
    old: side(oldSpace.totals),
    new: side(newSpace.totals),
    added: added.tally(),
    deleted: deleted.tally(),
    modified,
    unchanged: unchanged.tally(),
    directories: { grown: dirs.grown.map(toDirectory), shrunk: dirs.shrunk.map(toDirectory) },
    users: ledgers.users.ranked(top, compareOwners),
    groups: ledgers.groups.ranked(top, compareOwners),
    extensions: ledgers.extensions.ranked(top, compareStrings),
    largestNew: largestNew.ranked(),
  };
}

/**
 * Turns each directory's direct totals into recursive ones: deepest first, each
 * adds into its parent (made when the walk has no record of it, e.g. excluded).
 */
function rollUpDirectories(ledger: GrowthLedger<string>): void {
  const byDepth: string[][] = [];
  for (const key of ledger.keys()) {
    (byDepth[keyDepth(key)] ??= []).push(key);
  }
  for (let depth = byDepth.length - 1; depth > 0; depth--) {
    for (const key of byDepth[depth] ?? []) {
      const parent = parentKey(key);
      if (!ledger.has(parent)) (byDepth[depth - 1] ??= []).push(parent);
      ledger.addInto(parent, key);
    }
  }
}
