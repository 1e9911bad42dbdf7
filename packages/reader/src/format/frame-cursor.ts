import { ItemKind, ItemTag, KNOWN_SAME_ATTRS, SameAttr } from './layout.js';
import { MAX_VARINT_BYTES, unzigzag } from './varint.js';

/** The directory paths of a block start in this many bytes, doubled as needed. */
const INITIAL_ARENA = 64 * 1024;
const TWO_64 = 1n << 64n;

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
  /**
   * Every directory path of the block's headers (no trailing '/'), one after another;
   * the current directory's is bytes [dirAt, dirAt + dirLength). Perf: a header comes
   * with nearly every other item on the bench corpus (900 k for 1 M records); a
   * Uint8Array per header was a fifth of decoding and much of its GC.
   */
  arena: Uint8Array;
  private arenaEnd = 0;
  dirAt = 0;
  dirLength = 0;
  /** The current directory's inode: the parent of the entries under it. */
  dirIno: number | bigint = 0;
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
  ino: number | bigint = 0;
  size: number | bigint = 0;
  mtime: number | bigint = 0;
  uid = -1;
  gid = -1;
  mode = -1;
  dev: number | bigint = -1;
  nlink = 0;
  blocks: number | bigint = 0;
  atime: number | bigint = 0;
  ctime: number | bigint = 0;
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
    this.arena = new Uint8Array(Math.min(payload.length, INITIAL_ARENA));
  }

  /** The current directory's path (no trailing '/'). */
  get dir(): Uint8Array {
    return this.arena.subarray(this.dirAt, this.dirAt + this.dirLength);
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
    if (this.kind === ItemKind.error) {
      this.ino = this.u64();
      this.need(2);
      this.syscall = p[this.pos]!;
      this.codeLength = p[this.pos + 1]!;
      this.codeAt = this.pos + 2;
      this.pos += 2 + this.codeLength;
      this.need(0);
      return true;
    }
    this.ino = this.u64();
    this.size = this.u64();
    this.mtime = this.time(unzigzag(this.varint()));
    if (this.fullAttrs) {
      this.need(1);
      const same = p[this.pos++]!;
      if (same & ~KNOWN_SAME_ATTRS) throw this.damage(`unknown same-attribute bits 0x${same.toString(16)}`);
      if (same & SameAttr.uid) this.uid = this.repeated(this.uid, 'uid');
      else this.uid = this.u32('uid');
      if (same & SameAttr.gid) this.gid = this.repeated(this.gid, 'gid');
      else this.gid = this.u32('gid');
      if (same & SameAttr.mode) this.mode = this.repeated(this.mode, 'mode');
      else this.mode = this.u32('mode');
      if (same & SameAttr.dev) {
        if (this.dev === -1) throw this.damage('dev repeated from no previous entry');
      } else {
        this.dev = this.u64();
      }
      this.nlink = this.u32('nlink');
      this.blocks = this.u64();
      this.atime = this.time(exactSum(this.mtime, unzigzag(this.varint())));
      this.ctime = this.time(exactSum(this.mtime, unzigzag(this.varint())));
    }
    return true;
  }

  /** A directory header: the path front-coded against the current one, then the directory's inode. */
  private readDirectory(): void {
    const shared = this.varint();
    if (typeof shared !== 'number' || shared > this.dirLength) throw this.damage(`directory shares ${shared} bytes of a ${this.dirLength}-byte path`);
    const suffix = this.length('directory path');
    // Up the tree (no suffix), the path is the start of the current one: no copy. Down from the
    // path written last, the suffix goes after it. Else the shared start is copied to the end.
    if (suffix > 0) {
      const from = this.dirAt;
      const at = from + shared === this.arenaEnd ? from : this.arenaEnd;
      const end = at + shared + suffix;
      if (end > this.arena.length) this.growArena(end);
      const a = this.arena;
      if (at !== from) for (let i = 0; i < shared; i++) a[at + i] = a[from + i]!;
      const p = this.payload;
      for (let i = 0, to = at + shared; i < suffix; i++) a[to + i] = p[this.pos + i]!;
      this.arenaEnd = end;
      this.dirAt = at;
    }
    this.pos += suffix;
    this.dirLength = shared + suffix;
    this.dirIno = this.u64();
    this.hasDir = true;
  }

  private growArena(least: number): void {
    const bigger = new Uint8Array(Math.max(least, this.arena.length * 2));
    bigger.set(this.arena.subarray(0, this.arenaEnd));
    this.arena = bigger;
  }

  private repeated(previous: number, what: string): number {
    if (previous === -1) throw this.damage(`${what} repeated from no previous entry`);
    return previous;
  }

  /** A length: a varint that must leave its bytes inside the payload. */
  private length(what: string): number {
    const n = this.varint();
    if (typeof n !== 'number' || this.pos + n > this.payload.length)
      throw this.partial || typeof n === 'number' ? this.pastEnd() : this.damage(`${what} length ${n}`);
    return n;
  }

  private u32(what: string): number {
    const v = this.varint();
    if (typeof v !== 'number' || v > 0xffffffff) throw this.damage(`${what} ${v} past 32 bits`);
    return v;
  }

  /** A time: whole seconds within i64. */
  private time(t: number | bigint): number | bigint {
    if (typeof t === 'bigint' && (t < -(1n << 63n) || t >= 1n << 63n)) throw this.damage(`time ${t} past 64 bits`);
    return t;
  }

  /** An unsigned value of up to 64 bits. */
  private u64(): number | bigint {
    const v = this.varint();
    if (typeof v === 'bigint' && v >= TWO_64) throw this.damage(`value ${v} past 64 bits`);
    return v;
  }

  /** A varint (up to 65 bits: a zigzag 64-bit difference): an exact number below 2^53, else a bigint. */
  private varint(): number | bigint {
    const p = this.payload;
    let v = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= p.length) throw this.pastEnd();
      const b = p[this.pos++]!;
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v <= Number.MAX_SAFE_INTEGER ? v : this.bigVarint(i + 1);
      scale *= 0x80;
    }
    throw this.damage('varint longer than 10 bytes');
  }

  /** The varint of `bytes` bytes just read, exactly, as a bigint (past 2^53). */
  private bigVarint(bytes: number): bigint {
    let v = 0n;
    for (let i = this.pos - 1; i >= this.pos - bytes; i--) v = (v << 7n) | BigInt(this.payload[i]! & 0x7f);
    if (v >= TWO_64 * 2n) throw this.damage('varint past 65 bits');
    return v;
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

/** a + b for exact times, exact: a number while it stays safe, else a bigint. */
function exactSum(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (Number.isSafeInteger(s) && Math.abs(a) < 2 ** 52 && Math.abs(b) < 2 ** 52) return s;
  }
  const s = BigInt(a) + BigInt(b);
  return s >= -Number.MAX_SAFE_INTEGER && s <= Number.MAX_SAFE_INTEGER ? Number(s) : s;
}
