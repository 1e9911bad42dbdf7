import type { WalkEntry } from '../sdk/record.js';
import { frameBlockOf, frameParentHeader, isFrameEntry, type FrameBlock } from '../format/frame-entry.js';
import { recordEnd, recordPathAt, recordPayload } from '../format/record-decoder.js';

const SLASH = 0x2f;

/**
 * Finds what is kept for an entry's parent directory. Perf: a thread file holds the
 * entries of one directory one after another, so the parent is nearly always the
 * previous entry's; it is recognized by comparing path bytes where the record holds
 * them, with no subarray, no key string and no Map lookup (those were about 30% of
 * directoryTotals). Bytes, not the parent inode: the roots of two mounted filesystems
 * share inode 2, and a bind mount shows one directory at two paths. A format-2 entry's
 * parent is the directory header it was decoded under: the same header object for all
 * its siblings in a block, known without a byte compared.
 */
export class ParentCache<T> {
  /** The cached directory's path is bytes [from, from + length) of `bytes`. */
  private bytes: Uint8Array = new Uint8Array(0);
  private from = 0;
  private length = -1;
  private value: T | undefined;
  /** The format-2 header of the cached directory (block and index), when it came from one. */
  private block: FrameBlock | null = null;
  private header = -1;

  constructor(private readonly lookup: (key: string) => T) {}

  /** What `lookup` gives for the parent of `e`, which must not be the root (its relative path is not empty). */
  of(e: WalkEntry): T {
    let bytes: Uint8Array;
    let from: number;
    let to: number;
    const header = isFrameEntry(e) ? frameParentHeader(e) : -1;
    if (header >= 0) return this.ofHeader(frameBlockOf(e), header);
    const payload = recordPayload(e);
    if (payload !== undefined) {
      bytes = payload;
      from = recordPathAt(e);
      to = recordEnd(e);
    } else {
      bytes = e.relativePathBytes;
      from = 0;
      to = bytes.length;
    }
    let slash = to - 1;
    while (slash >= from && bytes[slash] !== SLASH) slash--;
    const length = slash < from ? 0 : slash - from;
    return this.remember(bytes, from, length, null, -1);
  }

  /** What `lookup` gives for the directory of header `header` of a format-2 block. */
  ofHeader(block: FrameBlock, header: number): T {
    if (header === this.header && block === this.block) return this.value!;
    const at = block.dirs.start(header);
    return this.remember(block.dirs.arena, at, block.dirs.length(header), block, header);
  }

  /** The value for the directory at bytes [from, from + length) of `bytes`: the cached one when the path is the cached path. */
  private remember(bytes: Uint8Array, from: number, length: number, block: FrameBlock | null, header: number): T {
    this.block = block;
    this.header = header;
    if (length === this.length && sameBytes(bytes, from, this.bytes, this.from, length)) return this.value!;
    this.value = this.lookup(Buffer.from(bytes.buffer, bytes.byteOffset + from, length).toString('latin1'));
    this.bytes = bytes;
    this.from = from;
    this.length = length;
    return this.value;
  }
}

/** Whether a[aFrom..] and b[bFrom..] agree for `length` bytes. From the end: sibling directories differ in their last name. */
function sameBytes(a: Uint8Array, aFrom: number, b: Uint8Array, bFrom: number, length: number): boolean {
  for (let i = length - 1; i >= 0; i--) if (a[aFrom + i] !== b[bFrom + i]) return false;
  return true;
}
