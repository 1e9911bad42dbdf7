import type { WalkEntry } from '../sdk/record.js';
import { Field, type FrameBlock } from '../format/frame-entry.js';
import { EntryType } from '../format/layout.js';

/** What `HardLinks.meet` says of a link whose inode was not met before: the caller counts it. */
export const FIRST_LINK = 0;
/** What `HardLinks.meet` says of a link at a larger path than the one counted: nothing to count. */
export const LATER_LINK = 1;

/** Each hard-linked inode's id: `dev:inode` of a non-directory with more than one link, else null (counted as it comes). */
export function hardLinkId(e: WalkEntry): string | null {
  return e.type !== 'dir' && e.nlink !== null && e.nlink > 1 ? inodeId(e.dev!, e.inode) : null;
}

/** hardLinkId of row `i` of a decoded format-2 block, its columns read in place (no entry made). */
export function rowHardLinkId(block: FrameBlock, i: number): string | null {
  return block.fullAttrs && block.types[i] !== EntryType.dir && block.attr(i, Field.nlink) > 1 ? inodeId(block.dev(i), block.ino(i)) : null;
}

/** The id of inode `inode` of device `dev` (bigints or exact numbers: the same id). */
export function inodeId(dev: bigint | number, inode: bigint | number): string {
  return `${dev}:${inode}`;
}

/**
 * The hard-link rule every analysis keeps: an inode with several links is counted
 * once, at its smallest relative path in byte order (its latin1 key), so a figure
 * does not depend on the order the links were read in, nor on which thread of a
 * pass read which (a pass's parts merge their credits with `take`). Each caller keeps what it
 * credited (`T`) to move it when a smaller path turns up. Ids are kept to the end, not
 * dropped after nlink names: a tree changing during the walk can show more names than
 * nlink said. Memory grows with hard-linked inodes, never with entries.
 */
export class HardLinks<T extends { key: string }> {
  private readonly held = new Map<string, T>();

  /**
   * The link of inode `id` at `key`: FIRST_LINK when the inode is new (count it, then
   * `hold` its credit), LATER_LINK when a link at a smaller or equal path holds it, or
   * the credit held at a larger path, which this link takes over (move what it
   * credited, and set its key to this one or `hold` a new credit).
   */
  meet(id: string, key: string): T | typeof FIRST_LINK | typeof LATER_LINK {
    const held = this.held.get(id);
    if (held === undefined) return FIRST_LINK;
    return held.key <= key ? LATER_LINK : held;
  }

  hold(id: string, credit: T): void {
    this.held.set(id, credit);
  }

  /** Holds `credit` for inode `id` unless a link at a smaller or equal path holds it already: one place for a whole credit (a part's, merged). */
  take(id: string, credit: T): void {
    if (this.meet(id, credit.key) !== LATER_LINK) this.held.set(id, credit);
  }

  credits(): IterableIterator<T> {
    return this.held.values();
  }

  /** Every inode's id and credit, for a part of a pass sent to another thread. */
  entries(): [string, T][] {
    return [...this.held];
  }
}
