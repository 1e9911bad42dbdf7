import { ItemKind, ItemTag, KNOWN_SAME_ATTRS, SameAttr } from './layout.js';
import { FrameDirectories } from './frame-directories.js';
import { MAX_VARINT_BYTES, unzigzag } from './varint.js';

const TWO_64 = 1n << 64n;
const MIN_I64 = -(1n << 63n);
const MAX_I64 = (1n << 63n) - 1n;
/** Two times below this in magnitude add up exactly as doubles. */
const EXACT_ADDEND = 2 ** 52;

/** Where an item's integer fields sit in its row of FrameCursor.values, from `row`. */
export const Value = {
  ino: 0,
  size: 1,
  mtime: 2,
  // Only with FULL_ATTRS:
  uid: 3,
  gid: 4,
  mode: 5,
  nlink: 6,
  blocks: 7,
  dev: 8,
  atime: 9,
  ctime: 10,
} as const;
export type Value = (typeof Value)[keyof typeof Value];
/** The length of a row without and with FULL_ATTRS. */
export const COMPACT_STRIDE = 3;
export const FULL_STRIDE = 11;

/** Why a format-2 payload cannot be read on: the item at `offset` is malformed, or (`pastEnd`) runs past the payload. */
export class FrameDamage extends Error {
  override readonly name = 'FrameDamage';
  constructor(
    message: string,
    readonly offset: number,
    readonly pastEnd: boolean,
  ) {
    super(message);
  }
}

/**
 * Reads the items of one format-2 block payload (FORMAT.md section 7) one at a time:
 * `next()` frames and checks the next item and leaves its fields in this object's
 * properties. One cursor per block; the writer's state (directory, previous
 * attributes) is rebuilt as the writer kept it.
 */
export class FrameCursor {
  private pos = 0;
  /** The block's directory headers so far; the current directory is the last. */
  readonly directories: FrameDirectories;
  /** The current directory's path length. */
  private dirLength = 0;
  /** Whether the item just read brought a new directory header. */
  newDir = false;
  private hasDir = false;
  kind = 0;
  type = 0;
  /** DESCENDED on an entry, OWN_READ on an error record. */
  mark = false;
  /** Where the item starts, and its name's bytes in the payload. */
  at = 0;
  nameAt = 0;
  nameLength = 0;
  /**
   * Where next() puts an entry's or error record's integer fields: `values[row + Value.x]`,
   * an exact number as it is, a value past 2^53 as NaN with its bigint in `big` at the
   * same index. Perf: the fields go straight into the decoder's columns as doubles; a
   * number | bigint property per field boxed every value past 2^30 (times, most sizes
   * and inodes), and that was most of the decoder's garbage.
   */
  values = new Float64Array(FULL_STRIDE);
  row = 0;
  big: Map<number, bigint> | null = null;
  /** The varint just read, exactly, when it was NaN (past 2^53). */
  private bigValue = 0n;
  /** The previous entry's attributes in the block, for the same-attribute bits. */
  private prevUid = -1;
  private prevGid = -1;
  private prevMode = -1;
  private prevDev = -1;
  private prevDevBig = 0n;
  syscall = 0;
  codeAt = 0;
  codeLength = 0;

  constructor(
    readonly payload: Uint8Array,
    /** Entries carry the attributes (the file header's FULL_ATTRS). */
    private readonly fullAttrs: boolean,
    /** A cut block: a zero tag byte ends it (FORMAT.md 2.3) instead of being damage. */
    private readonly partial: boolean,
  ) {
    this.directories = new FrameDirectories(payload);
  }

  /** The current directory's path (no trailing '/'). */
  get dir(): Uint8Array {
    return this.directories.path(this.directories.count - 1);
  }
  /** The current directory's inode: the parent of the entries under it. */
  get dirIno(): number | bigint {
    return this.directories.ino(this.directories.count - 1);
  }

  /** The item's inode (0 for an error record's entry whose inode is unknown). */
  get ino(): number | bigint {
    return this.exact(Value.ino);
  }
  /** The entry's device (FULL_ATTRS only). */
  get dev(): number | bigint {
    return this.exact(Value.dev);
  }
  private exact(field: Value): number | bigint {
    const at = this.row + field;
    const v = this.values[at]!;
    return v === v ? v : this.big!.get(at)!;
  }

  /** Where the next item starts: after the last one read, the end of what was read whole. */
  get offset(): number {
    return this.pos;
  }

  /** Reads the next item; false at the end of the payload. Throws FrameDamage. */
  next(): boolean {
    const p = this.payload;
    if (this.pos >= p.length) return false;
    this.at = this.pos;
    const tag = p[this.pos++]!;
    if (tag === 0 && this.partial) return false;
    if (tag & ItemTag.RESERVED) throw this.damage(`reserved tag bit set (0x${tag.toString(16)})`);
    this.kind = (tag & ItemTag.KIND_MASK) >> ItemTag.KIND_SHIFT;
    this.type = tag & ItemTag.TYPE_MASK;
    this.mark = (tag & ItemTag.MARK) !== 0;
    if (this.kind === 0) throw this.damage('item kind 0');
    this.newDir = (tag & ItemTag.NEW_DIR) !== 0;
    if (this.newDir) this.readDirectory();
    else if (!this.hasDir) throw this.damage('item before any directory header');
    if (this.kind === ItemKind.end) {
      if (this.type !== 0 || this.mark) throw this.damage('directory end with a type or mark');
      return true;
    }
    this.nameLength = this.length('name');
    this.nameAt = this.pos;
    this.pos += this.nameLength;
    const row = this.row;
    if (this.kind === ItemKind.error) {
      this.put(row + Value.ino, this.u64());
      this.need(2);
      this.syscall = p[this.pos]!;
      this.codeLength = p[this.pos + 1]!;
      this.codeAt = this.pos + 2;
      this.pos += 2 + this.codeLength;
      this.need(0);
      return true;
    }
    this.put(row + Value.ino, this.u64());
    this.put(row + Value.size, this.u64());
    const mtime = this.time(this.zigzag());
    this.put(row + Value.mtime, mtime);
    if (this.fullAttrs) this.readAttributes(row, mtime, this.bigValue);
    return true;
  }

  /** The attributes of a FULL_ATTRS entry, after its mtime. */
  private readAttributes(row: number, mtime: number, mtimeBig: bigint): void {
    const p = this.payload;
    const v = this.values;
    this.need(1);
    const same = p[this.pos++]!;
    if (same & ~KNOWN_SAME_ATTRS) throw this.damage(`unknown same-attribute bits 0x${same.toString(16)}`);
    this.prevUid = same & SameAttr.uid ? this.repeated(this.prevUid, 'uid') : this.u32('uid');
    this.prevGid = same & SameAttr.gid ? this.repeated(this.prevGid, 'gid') : this.u32('gid');
    this.prevMode = same & SameAttr.mode ? this.repeated(this.prevMode, 'mode') : this.u32('mode');
    v[row + Value.uid] = this.prevUid;
    v[row + Value.gid] = this.prevGid;
    v[row + Value.mode] = this.prevMode;
    if (same & SameAttr.dev) {
      if (this.prevDev === -1) throw this.damage('dev repeated from no previous entry');
      this.bigValue = this.prevDevBig;
    } else {
      this.prevDev = this.u64();
      this.prevDevBig = this.bigValue;
    }
    this.put(row + Value.dev, this.prevDev);
    v[row + Value.nlink] = this.u32('nlink');
    this.put(row + Value.blocks, this.u64());
    this.put(row + Value.atime, this.sinceMtime(mtime, mtimeBig));
    this.put(row + Value.ctime, this.sinceMtime(mtime, mtimeBig));
  }

  /** A directory header: the path front-coded against the current one, then the directory's inode. */
  private readDirectory(): void {
    const shared = this.varint();
    if (shared !== shared || shared > this.dirLength)
      throw this.damage(`directory shares ${shared === shared ? shared : this.bigValue} bytes of a ${this.dirLength}-byte path`);
    const suffix = this.length('directory path');
    const suffixAt = this.pos;
    this.pos += suffix;
    const ino = this.u64();
    this.directories.add(shared, suffixAt, suffix, ino, this.bigValue);
    this.dirLength = shared + suffix;
    this.hasDir = true;
  }

  private repeated(previous: number, what: string): number {
    if (previous === -1) throw this.damage(`${what} repeated from no previous entry`);
    return previous;
  }

  /** A length: a varint that must leave its bytes inside the payload. */
  private length(what: string): number {
    const n = this.varint();
    if (n !== n || this.pos + n > this.payload.length) throw this.partial || n === n ? this.pastEnd() : this.damage(`${what} length ${this.bigValue}`);
    return n;
  }

  private u32(what: string): number {
    const v = this.varint();
    if (v !== v || v > 0xffffffff) throw this.damage(`${what} ${v === v ? v : this.bigValue} past 32 bits`);
    return v;
  }

  /** A time: whole seconds within i64. */
  private time(t: number): number {
    if (t !== t && (this.bigValue < MIN_I64 || this.bigValue > MAX_I64)) throw this.damage(`time ${this.bigValue} past 64 bits`);
    return t;
  }

  /** A time stored as its difference from the entry's mtime (`mtimeBig` when mtime is NaN). */
  private sinceMtime(mtime: number, mtimeBig: bigint): number {
    const d = this.zigzag();
    if (d === d && mtime === mtime && Math.abs(mtime) < EXACT_ADDEND && Math.abs(d) < EXACT_ADDEND) return mtime + d;
    const sum = (mtime === mtime ? BigInt(mtime) : mtimeBig) + (d === d ? BigInt(d) : this.bigValue);
    this.bigValue = sum;
    return this.time(sum >= -Number.MAX_SAFE_INTEGER && sum <= Number.MAX_SAFE_INTEGER ? Number(sum) : NaN);
  }

  /** An unsigned value of up to 64 bits. */
  private u64(): number {
    const v = this.varint();
    if (v !== v && this.bigValue >= TWO_64) throw this.damage(`value ${this.bigValue} past 64 bits`);
    return v;
  }

  /** A signed varint (zigzag). */
  private zigzag(): number {
    const v = this.varint();
    // Perf: `& 1` is the parity of any safe integer (ToInt32 keeps the low bits); `%` on a double was a third of decoding.
    if (v === v) return (v & 1) === 0 ? v / 2 : -(v + 1) / 2;
    const exact = unzigzag(this.bigValue);
    if (typeof exact === 'number') return exact;
    this.bigValue = exact;
    return NaN;
  }

  /**
   * A varint (up to 65 bits: a zigzag 64-bit difference): an exact number below 2^53,
   * else NaN with the value in bigValue. Every reader of a varint's NaN takes
   * bigValue before the next varint is read.
   */
  private varint(): number {
    const p = this.payload;
    let pos = this.pos;
    // Perf: most varints of an item (lengths, ids, modes, link counts, time deltas) are one byte.
    const first = p[pos]!;
    if (first < 0x80) {
      this.pos = pos + 1;
      return first;
    }
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (pos >= p.length) throw this.pastEnd();
      const b = p[pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        return v <= Number.MAX_SAFE_INTEGER ? v : this.bigVarint(i + 1);
      }
      scale *= 0x80;
    }
    throw this.damage('varint longer than 10 bytes');
  }

  /** The varint of `bytes` bytes just read, exactly (past 2^53): NaN, and the value in bigValue. */
  private bigVarint(bytes: number): number {
    let v = 0n;
    for (let i = this.pos - 1; i >= this.pos - bytes; i--) v = (v << 7n) | BigInt(this.payload[i]! & 0x7f);
    if (v >= TWO_64 * 2n) throw this.damage('varint past 65 bits');
    this.bigValue = v;
    return NaN;
  }

  /** Puts an exact value (NaN: the one in bigValue) at `at` of values. */
  private put(at: number, v: number): void {
    this.values[at] = v;
    if (v !== v) (this.big ??= new Map()).set(at, this.bigValue);
  }

  private need(bytes: number): void {
    if (this.pos + bytes > this.payload.length) throw this.pastEnd();
  }

  private pastEnd(): FrameDamage {
    return new FrameDamage('item runs past the block', this.at, true);
  }

  private damage(what: string): FrameDamage {
    return new FrameDamage(what, this.at, false);
  }
}
