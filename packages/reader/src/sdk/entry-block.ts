import { blockAmount, Field, frameEntry, type FrameBlock } from '../format/frame-entry.js';
import { ENTRY_TYPE_NAMES, type EntryTypeName } from '../format/layout.js';
import { exactBlocks, exactDev, exactInode, exactParentInode, exactSize, type ExactInteger } from './exact-numbers.js';
import { allocatedAmount, entryKey } from './entry-in-place.js';
import type { PathPieces } from './path-pieces.js';
import type { WalkEntry, WalkEntryError } from './record.js';

const EMPTY = new Uint8Array(0);

/**
 * A block of a walk's entries and error records, as the walk's thread files hold them
 * (Walk.entryBlocks): the column view a script uses to go through millions of entries
 * without an object per entry. Row `i` (0 <= i < length) is read in place by the
 * methods below; each value is the WalkEntry field of the same name, exactly, with
 * the 64-bit quantities as ExactInteger (a number below 2^53, else a bigint) instead
 * of a BigInt each. `entries` makes the rows' WalkEntry objects, for code that wants
 * them. A block is valid until the next is asked for: keep values, not the block.
 *
 * Perf: in a format-2 walk a block's rows are columns of where each field's varint
 * is in the block's payload (frame-entry.ts); reading a field decodes one varint.
 * The entry objects records() makes, which the package's own passes never read,
 * were most of their garbage collection (bench/RESULTS.md, issue 17).
 */
export abstract class EntryBlock {
  #entries: readonly WalkEntry[] | undefined;

  /** The per-entry failures recorded in this block. */
  abstract readonly errors: readonly WalkEntryError[];
  /** How many entries (rows). */
  abstract readonly length: number;
  /** False in a `--compact` walk: blocks, mode, uid, gid, nlink, dev, atime and ctime are then null. */
  abstract readonly fullAttrs: boolean;

  /** The rows as WalkEntry objects, made when first asked for. */
  get entries(): readonly WalkEntry[] {
    return (this.#entries ??= this.makeEntries());
  }
  /** Row `i` as a WalkEntry (one object; `entries` makes them all). */
  entry(i: number): WalkEntry {
    return this.#entries?.[i] ?? this.makeEntry(i);
  }
  protected abstract makeEntries(): readonly WalkEntry[];
  protected abstract makeEntry(i: number): WalkEntry;

  abstract type(i: number): EntryTypeName;
  abstract inode(i: number): ExactInteger;
  abstract parentInode(i: number): ExactInteger;
  abstract size(i: number): ExactInteger;
  /** Seconds since 1970, exact (WalkEntry.mtimeExact). */
  abstract mtime(i: number): ExactInteger;
  abstract atime(i: number): ExactInteger | null;
  abstract ctime(i: number): ExactInteger | null;
  /** st_blocks (512-byte units). */
  abstract blocks(i: number): ExactInteger | null;
  /** st_blocks x 512: the bytes allocated. */
  abstract allocated(i: number): ExactInteger | null;
  abstract dev(i: number): ExactInteger | null;
  abstract mode(i: number): number | null;
  abstract uid(i: number): number | null;
  abstract gid(i: number): number | null;
  abstract nlink(i: number): number | null;
  /** 0 for the root, 1 for its children. */
  abstract depth(i: number): number;
  /** The exact path bytes relative to the walk root (empty for the root), a copy. */
  abstract relativePathBytes(i: number): Uint8Array;
  /** The exact full path bytes (WalkEntry.pathBytes). */
  pathBytes(i: number): Uint8Array {
    return this.entry(i).pathBytes;
  }
  /** The full path decoded as UTF-8 (WalkEntry.path, lossy when the bytes are not UTF-8). */
  path(i: number): string {
    return this.entry(i).path;
  }
  /** Sets `into` to the pieces of row `i`'s full path (PathPieces) and returns it: a path written without being joined. */
  abstract pathPieces(i: number, into: PathPieces): PathPieces;
}

/** Rows `from`..`to` of a decoded format-2 block, read from its columns. */
export class FrameRowsBlock extends EntryBlock {
  readonly length: number;
  readonly fullAttrs: boolean;
  constructor(
    /** The decoded block (internal: the package's hot loops read its columns directly). */
    readonly frame: FrameBlock,
    /** The block's row this view's row 0 is. */
    readonly from: number,
    to: number,
    readonly errors: readonly WalkEntryError[],
  ) {
    super();
    this.length = to - from;
    this.fullAttrs = frame.fullAttrs;
  }
  protected makeEntries(): readonly WalkEntry[] {
    const entries: WalkEntry[] = new Array<WalkEntry>(this.length);
    for (let i = 0; i < this.length; i++) entries[i] = frameEntry(this.frame, this.from + i);
    return entries;
  }
  protected makeEntry(i: number): WalkEntry {
    return frameEntry(this.frame, this.from + i);
  }
  type(i: number): EntryTypeName {
    return ENTRY_TYPE_NAMES[this.frame.types[this.from + i]!]!;
  }
  inode(i: number): ExactInteger {
    return this.frame.ino(this.from + i);
  }
  parentInode(i: number): ExactInteger {
    const f = this.frame;
    return f.dirs.ino(f.dirOf[this.from + i]!);
  }
  size(i: number): ExactInteger {
    return this.frame.size(this.from + i);
  }
  mtime(i: number): ExactInteger {
    return this.frame.mtime(this.from + i);
  }
  atime(i: number): ExactInteger | null {
    return this.fullAttrs ? this.frame.sinceMtime(this.from + i, 2) : null;
  }
  ctime(i: number): ExactInteger | null {
    return this.fullAttrs ? this.frame.sinceMtime(this.from + i, 3) : null;
  }
  blocks(i: number): ExactInteger | null {
    return this.fullAttrs ? this.frame.blocks(this.from + i) : null;
  }
  allocated(i: number): ExactInteger | null {
    return this.fullAttrs ? blockAmount(this.frame.blocks(this.from + i)) : null;
  }
  dev(i: number): ExactInteger | null {
    return this.fullAttrs ? this.frame.dev(this.from + i) : null;
  }
  mode(i: number): number | null {
    return this.fullAttrs ? this.frame.attr(this.from + i, Field.mode) : null;
  }
  uid(i: number): number | null {
    return this.fullAttrs ? this.frame.attr(this.from + i, Field.uid) : null;
  }
  gid(i: number): number | null {
    return this.fullAttrs ? this.frame.attr(this.from + i, Field.gid) : null;
  }
  nlink(i: number): number | null {
    return this.fullAttrs ? this.frame.attr(this.from + i, Field.nlink) : null;
  }
  depth(i: number): number {
    return this.frame.rowDepth(this.from + i);
  }
  relativePathBytes(i: number): Uint8Array {
    return this.frame.joinPath(this.from + i, EMPTY);
  }
  override pathBytes(i: number): Uint8Array {
    const f = this.frame;
    const row = this.from + i;
    return f.isRoot(row) ? f.root.bytes : f.joinPath(row, f.root.head);
  }
  pathPieces(i: number, into: PathPieces): PathPieces {
    const f = this.frame;
    const row = this.from + i;
    const at = f.nameAt[row]!;
    into.head = f.isRoot(row) ? f.root.bytes : f.root.head;
    into.dir = f.prefix(f.dirOf[row]!);
    into.name = f.payload;
    into.nameFrom = at;
    into.nameTo = at + f.nameLength[row]!;
    return into;
  }
}

/** Entries already made (a format-1 block, or any array of entries): each row is its entry's fields. */
export class EntryArrayBlock extends EntryBlock {
  readonly length: number;
  constructor(
    private readonly list: readonly WalkEntry[],
    readonly errors: readonly WalkEntryError[],
    readonly fullAttrs: boolean,
  ) {
    super();
    this.length = list.length;
  }
  override get entries(): readonly WalkEntry[] {
    return this.list;
  }
  protected makeEntries(): readonly WalkEntry[] {
    return this.list;
  }
  protected makeEntry(i: number): WalkEntry {
    return this.list[i]!;
  }
  type(i: number): EntryTypeName {
    return this.list[i]!.type;
  }
  inode(i: number): ExactInteger {
    return exactInode(this.list[i]!);
  }
  parentInode(i: number): ExactInteger {
    return exactParentInode(this.list[i]!);
  }
  size(i: number): ExactInteger {
    return exactSize(this.list[i]!);
  }
  mtime(i: number): ExactInteger {
    return this.list[i]!.mtimeExact;
  }
  atime(i: number): ExactInteger | null {
    return this.list[i]!.atimeExact;
  }
  ctime(i: number): ExactInteger | null {
    return this.list[i]!.ctimeExact;
  }
  blocks(i: number): ExactInteger | null {
    return exactBlocks(this.list[i]!);
  }
  allocated(i: number): ExactInteger | null {
    return allocatedAmount(this.list[i]!);
  }
  dev(i: number): ExactInteger | null {
    return exactDev(this.list[i]!);
  }
  mode(i: number): number | null {
    return this.list[i]!.mode;
  }
  uid(i: number): number | null {
    return this.list[i]!.uid;
  }
  gid(i: number): number | null {
    return this.list[i]!.gid;
  }
  nlink(i: number): number | null {
    return this.list[i]!.nlink;
  }
  depth(i: number): number {
    return this.list[i]!.depth;
  }
  relativePathBytes(i: number): Uint8Array {
    return new Uint8Array(this.list[i]!.relativePathBytes);
  }
  pathPieces(i: number, into: PathPieces): PathPieces {
    return into.of(this.list[i]!);
  }
}

/**
 * Entries already made as a block (a script's, or sorted ones), for code that reads
 * blocks. `fullAttrs`: whether their walk recorded the full attributes (not
 * `--compact`); by default read off the first entry.
 */
export function entryBlockOf(
  entries: readonly WalkEntry[],
  errors: readonly WalkEntryError[] = [],
  fullAttrs = entries.length === 0 || entries[0]!.mode !== null,
): EntryBlock {
  return new EntryArrayBlock(entries, errors, fullAttrs);
}

/** Row `i`'s relative path as a latin1 key (path-key.ts). */
export function rowKey(b: EntryBlock, i: number): string {
  return b instanceof FrameRowsBlock ? b.frame.pathKey(b.from + i) : entryKey(b.entry(i));
}

/** The rows of `b` as a format-2 block's columns, for the package's hot loops; undefined for any other block. */
export function frameRowsOfBlock(b: EntryBlock): FrameRowsBlock | undefined {
  return b instanceof FrameRowsBlock ? b : undefined;
}
