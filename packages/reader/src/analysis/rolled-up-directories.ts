import type { DirectoryTable } from './directory-table.js';
import type { DirectoryTotal } from './directory-totals.js';
import { compactRanking, rankDirectories, type DirectoryRanking } from './top-directories.js';
import { keyPaths } from '../sdk/path-key.js';
import type { RootPath } from '../sdk/root-path.js';

/**
 * Every directory's totals of a walk after the roll-up, as a table: a DirectoryTotal
 * (paths joined, bigints made) is made only for the directories asked for. Perf: a
 * report shows a few hundred of the bench corpus's 141 k directories; making all of
 * them (three paths and five bigints each) and sorting their keys was a quarter of
 * directoryTotals, most of it young-generation collections of the objects made.
 */
export class RolledUpDirectories {
  readonly #table: DirectoryTable;
  readonly #root: RootPath;
  readonly #compact: boolean;

  constructor(table: DirectoryTable, root: RootPath, compact: boolean) {
    this.#table = table;
    this.#root = root;
    this.#compact = compact;
  }

  /** How many directories. */
  get length(): number {
    return this.#table.count;
  }

  /** Every directory's totals in path byte order: what directoryTotals gives. */
  all(): DirectoryTotal[] {
    return this.#inKeyOrder(this.#rows(() => true));
  }

  /** What topDirectories(this.all(), n, by) gives. */
  top(n: number, by: DirectoryRanking): DirectoryTotal[] {
    const table = this.#table;
    if (by === 'allocated' && this.#compact) throw compactRanking();
    const measure: (row: number) => bigint | number =
      by === 'apparent'
        ? (row) => table.apparent.amount(row)
        : by === 'allocated'
          ? (row) => table.allocated.amount(row)
          : by === 'files'
            ? (row) => table.files[row]!
            : (row) => table.entries[row]!;
    // Keys are latin1, one char per byte: `<` is byte order of the paths.
    return rankDirectories(
      this.#rows(() => true),
      n,
      measure,
      (a, b) => table.keys[a]! < table.keys[b]!,
    ).map((row) => this.#total(row));
  }

  /** The directories `depth` below the root, in path byte order. */
  atDepth(depth: number): DirectoryTotal[] {
    return this.#inKeyOrder(this.#rows((row) => this.#table.depth[row] === depth));
  }

  /** The directories holding at least 1/`divisor` of the root's apparent bytes or of its regular files, the root too, in path byte order; none without a root. */
  atLeastShare(divisor: bigint): DirectoryTotal[] {
    const table = this.#table;
    const root = table.find('');
    if (root === undefined) return [];
    // a * divisor >= total exactly when a >= ceil(total / divisor), for whole numbers: one bigint per walk, not per directory.
    const least = (total: bigint): bigint => (total + divisor - 1n) / divisor;
    const bytes = least(table.apparent.value(root));
    const files = least(BigInt(table.files[root]!));
    return this.#inKeyOrder(this.#rows((row) => table.apparent.amount(row) >= bytes || table.files[row]! >= files));
  }

  /** The rows `keep` keeps. */
  #rows(keep: (row: number) => boolean): number[] {
    const rows: number[] = [];
    for (let row = 0, n = this.#table.count; row < n; row++) if (keep(row)) rows.push(row);
    return rows;
  }

  #inKeyOrder(rows: number[]): DirectoryTotal[] {
    const keys = this.#table.keys;
    return rows.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0)).map((row) => this.#total(row));
  }

  #total(row: number): DirectoryTotal {
    const table = this.#table;
    // Perf: named fields, not a spread of keyPaths(): the spread made this 34% of directoryTotals (141k directories).
    const { path, relativePathBytes, pathBytes } = keyPaths(table.keys[row]!, this.#root);
    const dev = table.dev[row]!;
    return {
      path,
      relativePathBytes,
      pathBytes,
      depth: table.depth[row]!,
      inode: BigInt(table.inode[row]!),
      dev: dev === null ? null : BigInt(dev),
      directEntries: table.directEntries[row]!,
      directFiles: table.directFiles[row]!,
      directDirs: table.directDirs[row]!,
      directBytes: table.directBytes.value(row),
      entries: table.entries[row]!,
      files: table.files[row]!,
      dirs: table.dirs[row]!,
      apparentBytes: table.apparent.value(row),
      allocatedBytes: this.#compact ? null : table.allocated.value(row),
      newestMtime: table.newestMtime[row]!,
    };
  }
}
