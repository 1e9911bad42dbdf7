import { frameBlockOf, frameRow, isFrameEntry, type FrameBlock } from '../format/frame-entry.js';
import type { WalkEntry } from './record.js';

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** An exact integer: a number when it fits in one (below 2^53 in magnitude), else a bigint. */
export type ExactInteger = number | bigint;

/*
 * An entry's 64-bit fields without a BigInt for each: WalkEntry's inode, parentInode,
 * size, dev and blocks are bigints, which a script (or `cat`) formatting a million
 * rows makes and drops five times per row. Perf: for an entry read from a format-2
 * walk these read the row's varints in place; making and printing the BigInts was 13%
 * of `cat --format pwalk` (bench/RESULTS.md). The value is the field's, exactly.
 */

function exact(v: bigint): ExactInteger {
  return v <= MAX_EXACT && v >= -MAX_EXACT ? Number(v) : v;
}

/** The entry's inode (WalkEntry.inode) as an exact integer. */
export function exactInode(e: WalkEntry): ExactInteger {
  return isFrameEntry(e) ? frameBlockOf(e).ino(frameRow(e)) : exact(e.inode);
}

/** The inode of the directory holding the entry (WalkEntry.parentInode) as an exact integer. */
export function exactParentInode(e: WalkEntry): ExactInteger {
  if (!isFrameEntry(e)) return exact(e.parentInode);
  const block = frameBlockOf(e);
  return block.dirs.ino(block.dirOf[frameRow(e)]!);
}

/** st_size (WalkEntry.size) as an exact integer. */
export function exactSize(e: WalkEntry): ExactInteger {
  return isFrameEntry(e) ? frameBlockOf(e).size(frameRow(e)) : exact(e.size);
}

/** st_dev (WalkEntry.dev) as an exact integer; null in a --compact walk. */
export function exactDev(e: WalkEntry): ExactInteger | null {
  return isFrameEntry(e) ? fullAttr(e, readDev) : exactOrNull(e.dev);
}

/** st_blocks (WalkEntry.blocks) as an exact integer; null in a --compact walk. */
export function exactBlocks(e: WalkEntry): ExactInteger | null {
  return isFrameEntry(e) ? fullAttr(e, readBlocks) : exactOrNull(e.blocks);
}

/** A field only a full walk records, read from a format-2 entry's row. */
function fullAttr(e: WalkEntry, read: (block: FrameBlock, row: number) => ExactInteger): ExactInteger | null {
  const block = frameBlockOf(e);
  return block.fullAttrs ? read(block, frameRow(e)) : null;
}

const readDev = (block: FrameBlock, row: number): ExactInteger => block.dev(row);
const readBlocks = (block: FrameBlock, row: number): ExactInteger => block.blocks(row);

function exactOrNull(v: bigint | null): ExactInteger | null {
  return v === null ? null : exact(v);
}
