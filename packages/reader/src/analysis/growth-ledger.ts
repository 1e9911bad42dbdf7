import { ByteSum, type ByteAmount } from './byte-sum.js';

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

/**
 * One side's figures of one key: its bytes (the sum itself), files and entries. Perf:
 * one object, not a sum held by a tally: a ledger of every directory (141 k on the
 * bench corpus) is 47 -> 37.5 MB of heap, and a diff holds one per thread that credits.
 */
class SideTally extends ByteSum {
  files = 0;
  entries = 0;
}

type Cell = Record<DiffSide, SideTally>;

/** One side of a ledger as data, for a side credited in another thread: per key its bytes, files and entries. */
export type LedgerPart<K> = readonly (readonly [K, ByteAmount, number, number])[];

/**
 * Old and new totals per key (a directory, an owner, an extension), filled one
 * entry at a time while two walks stream past. Memory grows with the number of
 * keys, never with entries.
 */
export class GrowthLedger<K> {
  private readonly cells = new Map<K, Cell>();
  /**
   * The key credited last and its cell. Perf: entries come in path order, so most are
   * credited to the directory the previous one was; comparing the key with the last one
   * spares hashing a new string into a Map of every directory (13% of a 1 M-entry diff).
   */
  private lastKey: K | undefined;
  private lastCell: Cell | undefined;

  credit(key: K, side: DiffSide, bytes: ByteAmount, isFile: boolean): void {
    let cell = this.lastCell;
    if (cell === undefined || key !== this.lastKey) {
      cell = this.cell(key);
      this.lastKey = key;
      this.lastCell = cell;
    }
    const tally = cell[side];
    tally.add(bytes);
    tally.entries++;
    if (isFile) tally.files++;
  }

  /** Adds every total of `from` into `into` (rolling a directory up into its parent). */
  addInto(into: K, from: K): void {
    const b = this.cells.get(from);
    if (b === undefined) return;
    const a = this.cell(into);
    for (const side of SIDES) {
      a[side].addSum(b[side]);
      a[side].files += b[side].files;
      a[side].entries += b[side].entries;
    }
  }

  /** The figures of `side`, as data (addPart adds them to another ledger). */
  part(side: DiffSide): LedgerPart<K> {
    const rows: [K, ByteAmount, number, number][] = [];
    for (const [key, cell] of this.cells) {
      const t = cell[side];
      rows.push([key, t.amount(), t.files, t.entries]);
    }
    return rows;
  }

  addPart(part: LedgerPart<K>, side: DiffSide): void {
    for (const [key, bytes, files, entries] of part) {
      const t = this.cell(key)[side];
      t.add(bytes);
      t.files += files;
      t.entries += entries;
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
    const oldBytes = old.value();
    const newBytes = now.value();
    return {
      key,
      oldBytes,
      newBytes,
      deltaBytes: newBytes - oldBytes,
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
    for (const [key, { old, new: now }] of this.cells) {
      // Perf: most keys did not change; their amounts compare without a BigInt each.
      if (old.amount() === now.amount()) continue;
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
  return { old: new SideTally(), new: new SideTally() };
}
