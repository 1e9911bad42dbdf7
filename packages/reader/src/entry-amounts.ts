import { pathKey } from './path-key.js';
import type { WalkEntry } from './record.js';
import { DecodedEntry } from './record-decoder.js';
import type { ByteAmount } from './usage-tally.js';

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_EXACT_BLOCKS = MAX_EXACT / 512n;

/*
 * An entry's fields as the reader's own hot loops want them. Perf: an entry read from a
 * walk is a DecodedEntry, whose record these read in place; a BigInt per size and block
 * count (and a subarray and Buffer per key) were much of directoryTotals' GC, 20% of its
 * profile. Any other WalkEntry goes the public way, with the same result.
 */

/** st_size as an exact number below 2^53, else a bigint. */
export function sizeAmount(e: WalkEntry): ByteAmount {
  if (e instanceof DecodedEntry) return e.sizeAmount();
  const size = e.size;
  return size <= MAX_EXACT ? Number(size) : size;
}

/** st_blocks x 512 as an exact number below 2^53, else a bigint; null in a --compact walk. */
export function allocatedAmount(e: WalkEntry): ByteAmount | null {
  if (e instanceof DecodedEntry) return e.allocatedAmount();
  const blocks = e.blocks;
  if (blocks === null) return null;
  return blocks <= MAX_EXACT_BLOCKS ? Number(blocks) * 512 : blocks * 512n;
}

/** The entry's relative path as a latin1 key (path-key.ts). */
export function entryKey(e: WalkEntry): string {
  return e instanceof DecodedEntry ? e.pathKey() : pathKey(e.relativePathBytes);
}

/** Whether the entry is the walk root (its relative path is empty). */
export function isRoot(e: WalkEntry): boolean {
  return e instanceof DecodedEntry ? e.pathLength === 0 : e.relativePathBytes.length === 0;
}
