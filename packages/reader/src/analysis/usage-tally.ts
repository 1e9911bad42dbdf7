import type { EntryTypeName } from '../format/layout.js';
import { ByteSum, type ByteAmount } from './byte-sum.js';

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

export function entryKind(type: EntryTypeName): EntryKind {
  return type === 'file' ? EntryKind.FILE : type === 'dir' ? EntryKind.DIR : EntryKind.OTHER;
}

/** A TallyAccumulator as data, for a part of a pass sent between threads: entries, files, dirs, apparent and allocated bytes. */
export type TallyPart = readonly [number, number, number, ByteAmount, ByteAmount];

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

  part(): TallyPart {
    return [this.entries, this.files, this.dirs, this.apparent.amount(), this.allocated.amount()];
  }

  /** Adds what another thread counted. */
  addPart([entries, files, dirs, apparent, allocated]: TallyPart): void {
    this.entries += entries;
    this.files += files;
    this.dirs += dirs;
    this.apparent.add(apparent);
    this.allocated.add(allocated);
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

/** Largest apparent size first: the order of every ranked list of tallies (callers break ties). */
export function byBytesDesc(a: UsageTally, b: UsageTally): number {
  return a.apparentBytes > b.apparentBytes ? -1 : a.apparentBytes < b.apparentBytes ? 1 : 0;
}
