import { pathKey } from './path-key.js';
import type { WalkEntry } from './record.js';
import type { RecordBuffer } from '../format/record-buffer.js';
import { frameAllocatedAmount, frameAppendTo, frameIsRoot, framePathKey, frameSizeAmount, isFrameEntry } from '../format/frame-entry.js';
import { recordAllocatedAmount, recordEnd, recordPathAt, recordPathKey, recordPayload, recordSizeAmount, recordStart } from '../format/record-decoder.js';

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_EXACT_BLOCKS = MAX_EXACT / 512n;

/*
 * An entry's fields as the reader's own hot loops want them: the internal interface
 * over the decoders' in-place readers. Perf: an entry read from a walk was decoded by
 * frame-entry.ts (format 2) or record-decoder.ts (format 1), whose row or record these
 * read in place; a BigInt per size and block count (and a subarray and Buffer per key)
 * were much of directoryTotals' GC, 20% of its profile. Any other WalkEntry goes the
 * public way, with the same result.
 */

/** st_size as an exact number below 2^53, else a bigint. */
export function sizeAmount(e: WalkEntry): number | bigint {
  const inPlace = frameSizeAmount(e) ?? recordSizeAmount(e);
  if (inPlace !== undefined) return inPlace;
  return byteAmount(e.size);
}

/** st_blocks x 512 as an exact number below 2^53, else a bigint; null in a --compact walk. */
export function allocatedAmount(e: WalkEntry): number | bigint | null {
  const inPlace = frameAllocatedAmount(e) ?? recordAllocatedAmount(e);
  if (inPlace !== undefined) return inPlace;
  const blocks = e.blocks;
  return blocks === null ? null : blockBytes(blocks);
}

/** A byte count as an exact amount: a number below 2^53, else the bigint. */
export function byteAmount(bytes: bigint): number | bigint {
  return bytes <= MAX_EXACT ? Number(bytes) : bytes;
}

/** A count of 512-byte blocks as bytes, an exact amount: a number below 2^53, else a bigint. */
export function blockBytes(blocks: bigint): number | bigint {
  return blocks <= MAX_EXACT_BLOCKS ? Number(blocks) * 512 : blocks * 512n;
}

/** The entry's relative path as a latin1 key (path-key.ts). */
export function entryKey(e: WalkEntry): string {
  return framePathKey(e) ?? recordPathKey(e) ?? pathKey(e.relativePathBytes);
}

/** Whether the entry is the walk root (its relative path is empty). */
export function isRoot(e: WalkEntry): boolean {
  if (isFrameEntry(e)) return frameIsRoot(e);
  return recordPayload(e) !== undefined ? recordEnd(e) === recordPathAt(e) : e.relativePathBytes.length === 0;
}

/** Appends the entry's record to `out`. Perf: a format-1 record is copied as it is, a format-2 row encoded from its columns, neither through the public fields. */
export function appendEntryRecord(out: RecordBuffer, e: WalkEntry): void {
  if (isFrameEntry(e)) return frameAppendTo(e, out);
  const payload = recordPayload(e);
  if (payload !== undefined) out.appendRecord(payload, recordStart(e), recordEnd(e));
  else out.appendEntry(e);
}
