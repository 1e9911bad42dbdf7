/** Counts and byte sums of a set of entries. */
export interface UsageTally {
  /** Every entry: files, directories, symlinks, everything else (a hard-linked file once). */
  readonly entries: number;
  /** Regular files. */
  readonly files: number;
  readonly dirs: number;
  /** Sum of st_size. */
  readonly apparentBytes: bigint;
  /** Sum of st_blocks x 512; null in a --compact walk, which does not record blocks. */
  readonly allocatedBytes: bigint | null;
}

/** What kind of entry a tally counts: the three its counters tell apart. */
export const EntryKind = { OTHER: 0, FILE: 1, DIR: 2 } as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** A byte amount as the hot loop carries it: a number while exact (below 2^53), else a bigint. */
export type ByteAmount = number | bigint;

const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/**
 * An exact sum of byte amounts. Perf: it adds in a double while the running sum
 * stays exact (at most 2^53 - 1 in magnitude) and spills into a bigint when it
 * would not, so the usual addition makes no BigInt at all. A double sum of two
 * integers is correctly rounded, so a true sum past 2^53 - 1 always shows as one.
 */
export class ByteSum {
  private small = 0;
  private big = 0n;

  add(amount: ByteAmount): void {
    if (typeof amount === 'number') {
      const sum = this.small + amount;
      if (sum <= MAX_EXACT && sum >= -MAX_EXACT) {
        this.small = sum;
        return;
      }
      this.big += BigInt(this.small) + BigInt(amount);
      this.small = 0;
      return;
    }
    this.big += amount;
  }

  subtract(amount: ByteAmount): void {
    this.add(-amount);
  }

  value(): bigint {
    return this.big + BigInt(this.small);
  }
}

/** A UsageTally being counted. */
export class TallyAccumulator {
  entries = 0;
  files = 0;
  dirs = 0;
  readonly apparent = new ByteSum();
  readonly allocated = new ByteSum();

  add(kind: EntryKind, size: ByteAmount, allocated: ByteAmount): void {
    this.entries++;
    if (kind === EntryKind.FILE) this.files++;
    else if (kind === EntryKind.DIR) this.dirs++;
    this.apparent.add(size);
    this.allocated.add(allocated);
  }

  remove(kind: EntryKind, size: ByteAmount, allocated: ByteAmount): void {
    this.entries--;
    if (kind === EntryKind.FILE) this.files--;
    else if (kind === EntryKind.DIR) this.dirs--;
    this.apparent.subtract(size);
    this.allocated.subtract(allocated);
  }

  /** The finished tally; allocated bytes are null when the walk recorded no blocks. */
  toTally(compact: boolean): UsageTally {
    return {
      entries: this.entries,
      files: this.files,
      dirs: this.dirs,
      apparentBytes: this.apparent.value(),
      allocatedBytes: compact ? null : this.allocated.value(),
    };
  }
}

/** The sum of several tallies (allocated bytes null when any is null), e.g. the rows folded into an '(other)' row. */
export function sumTallies(tallies: readonly UsageTally[]): UsageTally {
  const sum = new TallyAccumulator();
  let compact = false;
  for (const t of tallies) {
    sum.entries += t.entries;
    sum.files += t.files;
    sum.dirs += t.dirs;
    sum.apparent.add(t.apparentBytes);
    if (t.allocatedBytes === null) compact = true;
    else sum.allocated.add(t.allocatedBytes);
  }
  return sum.toTally(compact);
}
