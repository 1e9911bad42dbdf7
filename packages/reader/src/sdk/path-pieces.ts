import { framePathPieces } from '../format/frame-entry.js';
import type { WalkEntry } from './record.js';

const EMPTY = new Uint8Array(0);

/**
 * An entry's full path (WalkEntry.pathBytes) as the pieces it is made of: `head`, then
 * `dir`, then bytes `nameFrom`..`nameTo` of `name`. For an entry of a format-2 walk
 * `head` is the root and its separator (the root alone for the root's own entry),
 * `dir` its directory's path below the root and a '/' (nothing under the root), the
 * name where the block holds it; each piece but the name ends in '/' or is empty, so
 * the path is valid UTF-8 when every piece is. `head` and `dir` are the same objects
 * for every entry of a walk and of a directory in a block: a writer can remember
 * what it learnt of them (is it UTF-8, does it hold a quote) by identity. For any
 * other entry the whole path is the name.
 *
 * Perf: a writer of millions of rows copies the pieces where they go instead of
 * joining a Buffer per row: the joined path was a fifth of `cat`'s profile. The
 * pieces are views of the reader's memory, valid while the entry's block is read:
 * copy them, do not keep them.
 */
export class PathPieces {
  head: Uint8Array = EMPTY;
  dir: Uint8Array = EMPTY;
  name: Uint8Array = EMPTY;
  nameFrom = 0;
  nameTo = 0;

  /** Sets the pieces to `e`'s path; returns this. */
  of(e: WalkEntry): this {
    if (framePathPieces(e, this)) return this;
    const path = e.pathBytes;
    this.head = EMPTY;
    this.dir = EMPTY;
    this.name = path;
    this.nameFrom = 0;
    this.nameTo = path.length;
    return this;
  }
}
