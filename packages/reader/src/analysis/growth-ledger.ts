/** Which of the two walks of a diff an entry comes from. */
export type DiffSide = 'old' | 'new';

/** One group's size and counts in the old and the new walk, and the change between them. */
export interface GrowthRow<K> {
  readonly key: K;
  readonly oldBytes: bigint;
  readonly newBytes: bigint;
  /** newBytes - oldBytes: positive for growth. */
  readonly deltaBytes: bigint;
  readonly oldFiles: number;
  readonly newFiles: number;
  readonly deltaFiles: number;
  readonly oldEntries: number;
  readonly newEntries: number;
}

/** The groups that grew most and those that shrank most, largest change first. */
export interface Ranked<T> {
  readonly grown: T[];
  readonly shrunk: T[];
}

/** One side's figures of one key. */
interface SideTally {
  bytes: bigint;
  files: number;
  entries: number;
}

type Cell = Record<DiffSide, SideTally>;

/**
 * Old and new totals per key (a directory, an owner, an extension), filled one
 * entry at a time while two walks stream past. Memory grows with the number of
 * keys, never with entries.
 */
export class GrowthLedger<K> {
  private readonly cells = new Map<K, Cell>();

  credit(key: K, side: DiffSide, bytes: bigint, isFile: boolean): void {
    const tally = this.cell(key)[side];
    tally.bytes += bytes;
    tally.entries++;
    if (isFile) tally.files++;
  }

  /** Adds every total of `from` into `into` (rolling a directory up into its parent). */
  addInto(into: K, from: K): void {
    const b = this.cells.get(from);
    if (b === undefined) return;
    const a = this.cell(into);
    for (const side of SIDES) {
      a[side].bytes += b[side].bytes;
      a[side].files += b[side].files;
      a[side].entries += b[side].entries;
    }
  }

  has(key: K): boolean {
    return this.cells.has(key);
  }

  keys(): IterableIterator<K> {
    return this.cells.keys();
  }

  row(key: K): GrowthRow<K> {
    const { old, new: now } = this.cells.get(key) ?? emptyCell();
    return {
      key,
      oldBytes: old.bytes,
      newBytes: now.bytes,
      deltaBytes: now.bytes - old.bytes,
      oldFiles: old.files,
      newFiles: now.files,
      deltaFiles: now.files - old.files,
      oldEntries: old.entries,
      newEntries: now.entries,
    };
  }

  /**
   * The `top` keys with the largest growth and the `top` with the largest
   * shrinkage in bytes (a change of zero bytes is neither). Ties go to the
   * smaller key, so the answer does not depend on the order entries came in.
   */
  ranked(top: number, compareKeys: (a: K, b: K) => number): Ranked<GrowthRow<K>> {
    const grown: GrowthRow<K>[] = [];
    const shrunk: GrowthRow<K>[] = [];
    for (const key of this.cells.keys()) {
      const row = this.row(key);
      if (row.deltaBytes > 0n) grown.push(row);
      else if (row.deltaBytes < 0n) shrunk.push(row);
    }
    const byChange = (a: GrowthRow<K>, b: GrowthRow<K>): number => {
      const da = a.deltaBytes < 0n ? -a.deltaBytes : a.deltaBytes;
      const db = b.deltaBytes < 0n ? -b.deltaBytes : b.deltaBytes;
      return da > db ? -1 : da < db ? 1 : compareKeys(a.key, b.key);
    };
    return { grown: grown.sort(byChange).slice(0, top), shrunk: shrunk.sort(byChange).slice(0, top) };
  }

  private cell(key: K): Cell {
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = emptyCell();
      this.cells.set(key, cell);
    }
    return cell;
  }
}

const SIDES: readonly DiffSide[] = ['old', 'new'];

function emptyCell(): Cell {
  return { old: { bytes: 0n, files: 0, entries: 0 }, new: { bytes: 0n, files: 0, entries: 0 } };
}
