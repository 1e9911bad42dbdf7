import { EntryBase } from './entry-base.js';
import type { FrameDirectories } from './frame-directories.js';
import { ENTRY_TYPE_NAMES, type EntryTypeName } from './layout.js';
import type { RecordBuffer } from './record-buffer.js';
import { exactSum, unzigzag, varintAt, varintEnd } from './varint.js';
import { depthIn } from './record-decoder.js';
import type { WalkEntry } from '../sdk/record.js';
import type { RootPath } from '../sdk/root-path.js';
import type { PathPieces } from '../sdk/path-pieces.js';

const SLASH = 0x2f;
const EMPTY = new Uint8Array(0);
/** Where FrameBlock.pathKey joins a path before decoding it; grown to the longest path met. */
let keyScratch = Buffer.allocUnsafe(4096);

/** Where a record's field varints are, kept per record in FrameBlock.fields from `record * stride`. */
export const Field = {
  ino: 0,
  /** The size; the mtime follows it. Perf: kept, not found after the inode, for the field most readers ask for: type, uid and size read from decoded entries 24.0 -> 25.7 M entries per CPU-second. */
  size: 1,
  // Only with FULL_ATTRS (each an earlier entry's when repeated):
  uid: 2,
  gid: 3,
  mode: 4,
  dev: 5,
  /** The link count; blocks, atime and ctime follow it. */
  nlink: 6,
} as const;
export const COMPACT_STRIDE = 2;
export const FULL_STRIDE = 7;

/**
 * A format-2 block decoded once into columns (frame-decoder.ts): per record its type,
 * directory header, and where its name and field varints are in the payload (checked
 * by FrameCursor); per directory header its path and inode (FrameDirectories). A
 * field is read from its varint when asked for, as format 1 reads its records in place.
 */
export class FrameBlock {
  /** Per header, its prefix (prefix()), made when first asked for. */
  private prefixes: (Uint8Array | null)[] | null = null;
  /** Per header, the depth of its directory (0 for the root), -1 until asked for. */
  private depths: Int32Array | null = null;
  constructor(
    readonly root: RootPath,
    readonly payload: Buffer,
    readonly fullAttrs: boolean,
    readonly stride: number,
    readonly fields: Uint32Array,
    readonly types: Uint8Array,
    readonly nameAt: Uint32Array,
    readonly nameLength: Uint32Array,
    readonly dirOf: Uint32Array,
    readonly dirs: FrameDirectories,
  ) {}
  /** Record i's inode, exact (a number below 2^53, else a bigint), as every value below. */
  ino(i: number): number | bigint {
    return varintAt(this.payload, this.fields[i * this.stride]!);
  }
  size(i: number): number | bigint {
    return varintAt(this.payload, this.fields[i * this.stride + Field.size]!);
  }
  mtime(i: number): number | bigint {
    const p = this.payload;
    return unzigzag(varintAt(p, varintEnd(p, this.fields[i * this.stride + Field.size]!)));
  }
  /** A 32-bit attribute of record i (FULL_ATTRS). */
  attr(i: number, field: typeof Field.uid | typeof Field.gid | typeof Field.mode | typeof Field.nlink): number {
    return varintAt(this.payload, this.fields[i * this.stride + field]!) as number;
  }
  dev(i: number): number | bigint {
    return varintAt(this.payload, this.fields[i * this.stride + Field.dev]!);
  }
  /** Where record i's st_blocks varint is: after its nlink's. */
  blocksAt(i: number): number {
    return varintEnd(this.payload, this.fields[i * this.stride + Field.nlink]!);
  }
  blocks(i: number): number | bigint {
    return varintAt(this.payload, this.blocksAt(i));
  }
  /**
   * Record i's atime (`after` 2) or ctime (3): a difference from its mtime, after its
   * nlink and blocks. `mtime`: the record's, when the caller decoded it already.
   */
  sinceMtime(i: number, after: 2 | 3, mtime: number | bigint = this.mtime(i)): number | bigint {
    const p = this.payload;
    let at = this.blocksAt(i);
    for (let k = 1; k < after; k++) at = varintEnd(p, at);
    return exactSum(mtime, unzigzag(varintAt(p, at)));
  }
  /**
   * What the names under header `dir` follow in their relative paths: its path and '/',
   * or nothing under the root. Made once per header: the external sort copies every
   * record of a block through here (frameAppendTo).
   */
  prefix(dir: number): Uint8Array {
    const prefixes = (this.prefixes ??= new Array<Uint8Array | null>(this.dirs.count).fill(null));
    let prefix = prefixes[dir]!;
    if (prefix === null) {
      const length = this.dirs.length(dir);
      prefix = length === 0 ? EMPTY : new Uint8Array(length + 1);
      if (length > 0) {
        prefix.set(this.dirs.path(dir));
        prefix[length] = SLASH;
      }
      prefixes[dir] = prefix;
    }
    return prefix;
  }
  /**
   * Record i's relative path as a latin1 key (path-key.ts). Perf: the header's path and
   * the name are copied into one scratch buffer and decoded once, a flat string; the
   * two strings concatenated before were a rope that the sort's first comparison of
   * each key flattened into a third.
   */
  pathKey(i: number): string {
    const dir = this.dirOf[i]!;
    const at = this.nameAt[i]!;
    const length = this.nameLength[i]!;
    const dirLength = this.dirs.length(dir);
    if (dirLength === 0) return this.payload.toString('latin1', at, at + length);
    const total = dirLength + 1 + length;
    if (keyScratch.length < total) keyScratch = Buffer.allocUnsafe(Math.max(total, 2 * keyScratch.length));
    const scratch = keyScratch;
    // start() first: joining the path may move the paths to a larger arena.
    const dirAt = this.dirs.start(dir);
    const arena = this.dirs.arena;
    for (let k = 0; k < dirLength; k++) scratch[k] = arena[dirAt + k]!;
    scratch[dirLength] = SLASH;
    const payload = this.payload;
    for (let k = 0, to = dirLength + 1; k < length; k++) scratch[to + k] = payload[at + k]!;
    return scratch.toString('latin1', 0, total);
  }
  /** Appends row `i` to a format-1 buffer (the external sort's runs). */
  appendRowTo(i: number, out: RecordBuffer): void {
    const dir = this.dirOf[i]!;
    const at = this.nameAt[i]!;
    const full = this.fullAttrs;
    out.appendFields(
      this.prefix(dir),
      this.payload,
      at,
      at + this.nameLength[i]!,
      this.ino(i),
      this.dirs.ino(dir),
      this.types[i]!,
      this.size(i),
      this.mtime(i),
      full ? this.attr(i, Field.uid) : 0,
      full ? this.attr(i, Field.gid) : 0,
      full ? this.attr(i, Field.mode) : 0,
      full ? this.attr(i, Field.nlink) : 0,
      full ? this.blocks(i) : 0,
      full ? this.dev(i) : 0,
      full ? this.sinceMtime(i, 2) : 0,
      full ? this.sinceMtime(i, 3) : 0,
    );
  }
  /** Whether row `i` is the walk root: an empty name under the root's header (a name is one component: FrameCursor checks). */
  isRoot(i: number): boolean {
    return this.nameLength[i] === 0 && this.dirs.length(this.dirOf[i]!) === 0;
  }
  /** Row `i`'s depth: 0 for the root, else one below its header's directory. */
  rowDepth(i: number): number {
    return this.isRoot(i) ? 0 : this.depth(this.dirOf[i]!) + 1;
  }
  /** The depth of header `dir`'s directory. */
  depth(dir: number): number {
    const depths = (this.depths ??= new Int32Array(this.dirs.count).fill(-1));
    if (depths[dir]! < 0) {
      const at = this.dirs.start(dir);
      depths[dir] = depthIn(this.dirs.arena, at, at + this.dirs.length(dir));
    }
    return depths[dir]!;
  }
  /**
   * Record i's relative path after `head` (nothing, or the root and its separator), in
   * one Buffer. Perf: a pooled Buffer; a Uint8Array of a path's length (past 64 bytes)
   * has a backing store of its own, and those were most of `cat`'s garbage collection.
   */
  joinPath(i: number, head: Uint8Array): Buffer {
    const dir = this.dirOf[i]!;
    const dirLength = this.dirs.length(dir);
    const dirAt = this.dirs.start(dir);
    const at = this.nameAt[i]!;
    const length = this.nameLength[i]!;
    let to = head.length;
    const path = Buffer.allocUnsafe(to + (dirLength === 0 ? 0 : dirLength + 1) + length);
    for (let k = 0; k < to; k++) path[k] = head[k]!;
    const arena = this.dirs.arena;
    for (let k = 0; k < dirLength; k++) path[to++] = arena[dirAt + k]!;
    if (dirLength > 0) path[to++] = SLASH;
    const payload = this.payload;
    for (let k = 0; k < length; k++) path[to++] = payload[at + k]!;
    return path;
  }
}

export function latin1(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
}

/**
 * An entry over its row of a decoded format-2 block. Perf: the row's fields were
 * decoded with the block, once; its relative path (directory prefix and name, two
 * places) is joined only when asked for, and the package's hot loops read keys,
 * amounts and the parent without joining it. Its state is in private fields, so a
 * user sees WalkEntry's fields alone; the package reaches the row through the
 * in-place functions below, which no entry point exports.
 */
class FrameEntry extends EntryBase {
  readonly #block: FrameBlock;
  readonly #i: number;
  #relativeCache: Uint8Array | undefined;
  constructor(block: FrameBlock, i: number) {
    super();
    this.#block = block;
    this.#i = i;
  }

  /** Whether `e` was decoded here. */
  static is(e: WalkEntry): boolean {
    return #block in e;
  }
  /** `e`'s relative path as a latin1 key (path-key.ts); undefined when not decoded here. */
  static pathKeyOf(e: WalkEntry): string | undefined {
    if (!(#block in e)) return undefined;
    return e.#block.pathKey(e.#i);
  }
  /** st_size as an exact number below 2^53, else a bigint; undefined when not decoded here. */
  static sizeAmountOf(e: WalkEntry): number | bigint | undefined {
    return #block in e ? e.#block.size(e.#i) : undefined;
  }
  /** st_blocks x 512 as an exact number below 2^53, else a bigint; null in a compact walk; undefined when not decoded here. */
  static allocatedAmountOf(e: WalkEntry): number | bigint | null | undefined {
    if (!(#block in e)) return undefined;
    const b = e.#block;
    return b.fullAttrs ? blockAmount(b.blocks(e.#i)) : null;
  }
  /** Whether `e` (decoded here) is the walk root: an empty name under the root's header. */
  static isRootOf(e: WalkEntry): boolean {
    const d = e as FrameEntry;
    return d.#block.isRoot(d.#i);
  }
  /** The block `e` (decoded here) is a row of. */
  static blockOf(e: WalkEntry): FrameBlock {
    return (e as FrameEntry).#block;
  }
  /** The row of its block `e` (decoded here) is. */
  static rowOf(e: WalkEntry): number {
    return (e as FrameEntry).#i;
  }
  /** The directory header `e` (decoded here) sits under in its block: its parent, as a name is one component (FrameCursor checks). */
  static parentHeaderOf(e: WalkEntry): number {
    const d = e as FrameEntry;
    return d.#block.dirOf[d.#i]!;
  }
  /** Sets `into` to the pieces of `e`'s full path (path-pieces.ts); false when `e` was not decoded here. */
  static piecesOf(e: WalkEntry, into: PathPieces): boolean {
    if (!(#block in e)) return false;
    const b = e.#block;
    const i = e.#i;
    const dir = b.dirOf[i]!;
    const at = b.nameAt[i]!;
    const length = b.nameLength[i]!;
    const rootItself = length === 0 && b.dirs.length(dir) === 0;
    into.head = rootItself ? b.root.bytes : b.root.head;
    into.dir = b.prefix(dir);
    into.name = b.payload;
    into.nameFrom = at;
    into.nameTo = at + length;
    return true;
  }
  /** Appends `e` (decoded here) to a format-1 buffer (the external sort's runs). */
  static appendTo(e: WalkEntry, out: RecordBuffer): void {
    const d = e as FrameEntry;
    d.#block.appendRowTo(d.#i, out);
  }

  get relativePathBytes(): Uint8Array {
    return (this.#relativeCache ??= this.#block.joinPath(this.#i, EMPTY));
  }
  protected override joinPathBytes(): Uint8Array {
    const b = this.#block;
    const i = this.#i;
    return b.nameLength[i] === 0 && b.dirs.length(b.dirOf[i]!) === 0 ? b.root.bytes : b.joinPath(i, b.root.head);
  }
  protected get rootPath(): RootPath {
    return this.#block.root;
  }
  get depth(): number {
    return this.#block.rowDepth(this.#i);
  }
  get type(): EntryTypeName {
    return ENTRY_TYPE_NAMES[this.#block.types[this.#i]!]!;
  }
  get inode(): bigint {
    return BigInt(this.#block.ino(this.#i));
  }
  get parentInode(): bigint {
    const b = this.#block;
    return BigInt(b.dirs.ino(b.dirOf[this.#i]!));
  }
  get size(): bigint {
    return BigInt(this.#block.size(this.#i));
  }
  get mtimeExact(): number | bigint {
    return this.#block.mtime(this.#i);
  }
  get blocks(): bigint | null {
    return this.#block.fullAttrs ? BigInt(this.#block.blocks(this.#i)) : null;
  }
  get dev(): bigint | null {
    return this.#block.fullAttrs ? BigInt(this.#block.dev(this.#i)) : null;
  }
  get mode(): number | null {
    return this.#attr(Field.mode);
  }
  get uid(): number | null {
    return this.#attr(Field.uid);
  }
  get gid(): number | null {
    return this.#attr(Field.gid);
  }
  get nlink(): number | null {
    return this.#attr(Field.nlink);
  }
  get atimeExact(): number | bigint | null {
    return this.#block.fullAttrs ? this.#block.sinceMtime(this.#i, 2) : null;
  }
  get ctimeExact(): number | bigint | null {
    return this.#block.fullAttrs ? this.#block.sinceMtime(this.#i, 3) : null;
  }
  /** A 32-bit attribute (always a number), or null in a compact walk. */
  #attr(field: typeof Field.uid | typeof Field.gid | typeof Field.mode | typeof Field.nlink): number | null {
    return this.#block.fullAttrs ? this.#block.attr(this.#i, field) : null;
  }
}

/** A block count whose bytes (x 512) stay below 2^53. */
const MAX_EXACT_BLOCKS = Math.floor(Number.MAX_SAFE_INTEGER / 512);

/** A row's st_blocks (FrameBlock.blocks) x 512 as an exact number below 2^53, else a bigint. */
export function blockAmount(blocks: number | bigint): number | bigint {
  return typeof blocks === 'number' && blocks <= MAX_EXACT_BLOCKS ? blocks * 512 : BigInt(blocks) * 512n;
}

/** Makes the entry of row `i` of a decoded block. */
export function frameEntry(block: FrameBlock, i: number): WalkEntry {
  return new FrameEntry(block, i);
}

/*
 * The package's fast paths over entries decoded here (see record-decoder.ts's for
 * format 1). Internal: no entry point exports them. The key and amounts are
 * undefined for an entry not decoded here; the others are asked only after is().
 */
export const isFrameEntry = FrameEntry.is;
export const framePathKey = FrameEntry.pathKeyOf;
export const frameSizeAmount = FrameEntry.sizeAmountOf;
export const frameAllocatedAmount = FrameEntry.allocatedAmountOf;
export const frameIsRoot = FrameEntry.isRootOf;
export const frameBlockOf = FrameEntry.blockOf;
export const frameParentHeader = FrameEntry.parentHeaderOf;
export const frameRow = FrameEntry.rowOf;
export const frameAppendTo = FrameEntry.appendTo;
export const framePathPieces = FrameEntry.piecesOf;
