import { EntryType } from '@pwalk-ts/reader/format';

/** 2^52: byte sums below it plus one size below it stay exact in a double. */
const EXACT_SUM_LIMIT = 2 ** 52;

/** What one worker has counted so far. */
export interface ScanTotals {
  entries: number;
  /** Directories read. */
  dirsRead: number;
  /** Entries recorded, by type. */
  files: number;
  dirEntries: number;
  errors: number;
  /** Exact sum of sizes: a bigint part plus a double part kept below 2^53. */
  bytesBig: bigint;
  bytesSmall: number;
}

export function emptyTotals(): ScanTotals {
  return { entries: 0, dirsRead: 0, files: 0, dirEntries: 0, errors: 0, bytesBig: 0n, bytesSmall: 0 };
}

/** The exact sum of sizes a scanner has counted. */
export function scannedBytes(t: ScanTotals): bigint {
  return t.bytesBig + BigInt(t.bytesSmall);
}

/** Counts one recorded entry; `size` is a bigint or an exact number. */
export function countEntry(t: ScanTotals, size: number | bigint, type: number): void {
  t.entries++;
  if (type === EntryType.file) t.files++;
  else if (type === EntryType.dir) t.dirEntries++;
  // Perf: BigInt additions allocate; sums are kept in a double while they are exact.
  const small = Number(size);
  if (small < EXACT_SUM_LIMIT) {
    t.bytesSmall += small;
    if (t.bytesSmall >= EXACT_SUM_LIMIT) {
      t.bytesBig += BigInt(t.bytesSmall);
      t.bytesSmall = 0;
    }
  } else {
    t.bytesBig += typeof size === 'bigint' ? size : BigInt(size);
  }
}
