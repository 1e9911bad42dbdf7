import { ItemKind, ItemTag, JOINED_PATH_FLOOR, JOINED_PATH_PER_BYTE, KNOWN_SAME_ATTRS, SameAttr } from './layout.js';
import { FrameDirectories } from './frame-directories.js';
import { FramePaths } from './frame-paths.js';
import { pathKey } from '../sdk/path-key.js';
import { bigVarintAt, exactSum, MAX_VARINT_BYTES, unzigzag, varintAt } from './varint.js';

const TWO_64 = 1n << 64n;
const MIN_I64 = -(1n << 63n);
const MAX_I64 = (1n << 63n) - 1n;

/** A varint of at most this many bytes is below 2^63: within 64 bits, and as a zigzag time within i64, with no check. */
const SHORT_VARINT_BYTES = 9;

/** Where the varint at `at` ends when it takes at most `most` bytes inside `p`; -1 when longer or cut (the caller's exact check decides). */
function shortEnd(p: Uint8Array, at: number, most: number): number {
  const last = Math.min(at + most, p.length);
  for (let i = at; i < last; i++) if (p[i]! < 0x80) return i + 1;
  return -1;
}

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
  /** Checks names and header paths stay below the root. */
  private readonly paths: FramePaths;
  /** What the block's paths may still join to (JOINED_PATH_PER_BYTE). */
  private joinBudget: number;
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
   * Where the item's integer fields are in the payload, checked but not decoded: the
   * inode's varint (an error record's ends its fields), an entry's size (its mtime
   * follows it), the varints of the uid, gid,
   * mode and dev in effect (an earlier entry's when repeated) and of the nlink (blocks,
   * atime and ctime follow it). Perf: an entry's fields are read when asked for, as
   * format 1's are; decoding every varint of every item cost 2.5 times format 1's
   * whole decoding, and most readers ask for a few fields.
   */
  fieldsAt = 0;
  sizeAt = 0;
  uidAt = -1;
  gidAt = -1;
  modeAt = -1;
  devAt = -1;
  nlinkAt = 0;
  /** The varint just read, exactly, when it was NaN (past 2^53). */
  private bigValue = 0n;
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
    this.paths = new FramePaths(payload);
    this.joinBudget = JOINED_PATH_PER_BYTE * payload.length + JOINED_PATH_FLOOR;
  }

  /** The current directory's path (no trailing '/'). */
  get dir(): Uint8Array {
    return this.directories.path(this.directories.count - 1);
  }
  /** The current directory's inode: the parent of the entries under it. */
  get dirIno(): number | bigint {
    return this.directories.ino(this.directories.count - 1);
  }

  /** The relative path of the item just read, a copy: its directory's path, '/' (not under the root) and its name. */
  relativePath(): Uint8Array {
    const name = this.payload.subarray(this.nameAt, this.nameAt + this.nameLength);
    const dir = this.dir;
    if (dir.length === 0) return new Uint8Array(name);
    const path = new Uint8Array(dir.length + 1 + name.length);
    path.set(dir);
    path[dir.length] = 0x2f;
    path.set(name, dir.length + 1);
    return path;
  }

  /** The item's inode (0 for an error record's entry whose inode is unknown). */
  get ino(): number | bigint {
    return varintAt(this.payload, this.fieldsAt);
  }
  /** The entry's device (FULL_ATTRS only). */
  get dev(): number | bigint {
    return varintAt(this.payload, this.devAt);
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
    let pos = this.pos;
    const first = p[pos]!;
    // Perf: a name's length is one byte; a longer or cut one is checked by length().
    if (first < 0x80 && pos + 1 + first <= p.length) {
      this.nameLength = first;
      pos++;
    } else {
      this.nameLength = this.length('name');
      pos = this.pos;
    }
    this.nameAt = pos;
    pos += this.nameLength;
    // Only the root's records (its entry, its own read's error) have no name, under the empty path.
    if (!this.paths.isName(this.nameAt, pos, this.dirLength === 0)) throw this.badName(pos);
    if ((this.joinBudget -= this.dirLength + 1 + this.nameLength) < 0) throw this.joinedTooLong();
    this.fieldsAt = pos;
    if (this.kind === ItemKind.error) {
      this.pos = pos;
      this.skipU64();
      this.need(2);
      this.syscall = p[this.pos]!;
      this.codeLength = p[this.pos + 1]!;
      this.codeAt = this.pos + 2;
      this.pos += 2 + this.codeLength;
      this.need(0);
      return true;
    }
    pos = this.endU64((this.sizeAt = this.endU64(pos)));
    const mtimeAt = pos;
    pos = shortEnd(p, pos, SHORT_VARINT_BYTES);
    if (pos < 0) {
      this.pos = mtimeAt;
      this.checkTime(this.zigzag());
      pos = this.pos;
    }
    this.pos = this.fullAttrs ? this.attributesEnd(pos, mtimeAt, pos - mtimeAt) : pos;
    return true;
  }

  /**
   * Checks the attributes of a FULL_ATTRS entry from `at`, after its mtime
   * (`mtimeBytes` at `mtimeAt`); returns where they end.
   * Perf: each varint is stepped over in a local position, in one pass; a call per
   * value through this.pos was a third of decoding.
   */
  private attributesEnd(at: number, mtimeAt: number, mtimeBytes: number): number {
    const p = this.payload;
    let pos = at;
    if (pos >= p.length) throw this.pastEnd();
    const same = p[pos++]!;
    if (same & ~KNOWN_SAME_ATTRS) throw this.damage(`unknown same-attribute bits 0x${same.toString(16)}`);
    if (same & SameAttr.uid) this.uidAt = this.repeated(this.uidAt, 'uid');
    else pos = this.endU32((this.uidAt = pos), 'uid');
    if (same & SameAttr.gid) this.gidAt = this.repeated(this.gidAt, 'gid');
    else pos = this.endU32((this.gidAt = pos), 'gid');
    if (same & SameAttr.mode) this.modeAt = this.repeated(this.modeAt, 'mode');
    else pos = this.endU32((this.modeAt = pos), 'mode');
    if (same & SameAttr.dev) this.devAt = this.repeated(this.devAt, 'dev');
    else pos = this.endU64((this.devAt = pos));
    pos = this.endU64(this.endU32((this.nlinkAt = pos), 'nlink'));
    pos = this.endSinceMtime(pos, mtimeAt, mtimeBytes);
    return this.endSinceMtime(pos, mtimeAt, mtimeBytes);
  }

  /** Where a varint of at most 64 bits at `at` ends. */
  private endU64(at: number): number {
    const end = shortEnd(this.payload, at, SHORT_VARINT_BYTES);
    if (end >= 0) return end;
    this.pos = at;
    this.skipU64();
    return this.pos;
  }

  /** Where a varint of at most 32 bits at `at` ends. */
  private endU32(at: number, what: string): number {
    const end = shortEnd(this.payload, at, 4);
    if (end >= 0) return end;
    this.pos = at;
    this.skipU32(what);
    return this.pos;
  }

  /** Where a time stored as its difference from the entry's mtime (`mtimeBytes` at `mtimeAt`) ends. */
  private endSinceMtime(at: number, mtimeAt: number, mtimeBytes: number): number {
    if (mtimeBytes <= SHORT_VARINT_BYTES) {
      const end = shortEnd(this.payload, at, SHORT_VARINT_BYTES);
      if (end >= 0) return end;
    }
    this.pos = at;
    this.checkSinceMtime(mtimeAt, mtimeBytes);
    return this.pos;
  }

  /** Skips a time stored as its difference from the entry's mtime (`mtimeBytes` at `mtimeAt`): the sum must be within i64. */
  private checkSinceMtime(mtimeAt: number, mtimeBytes: number): void {
    const at = this.pos;
    // Zigzag varints of at most 9 bytes are within +-2^62: two of them add up within i64.
    if (this.skip() < MAX_VARINT_BYTES && mtimeBytes < MAX_VARINT_BYTES) return;
    const end = this.pos;
    this.pos = at;
    const difference = this.zigzag();
    const sum = exactSum(unzigzag(varintAt(this.payload, mtimeAt)), difference === difference ? difference : this.bigValue);
    if (typeof sum === 'bigint' && (sum < MIN_I64 || sum > MAX_I64)) throw this.damage(`time ${sum} past 64 bits`);
    this.pos = end;
  }

  /** Skips a varint of at most 64 bits. */
  private skipU64(): void {
    const at = this.pos;
    if (this.skip() === MAX_VARINT_BYTES && this.payload[this.pos - 1]! > 1) {
      this.pos = at;
      this.u64();
    }
  }

  /** Skips a varint of at most 32 bits. */
  private skipU32(what: string): void {
    const at = this.pos;
    const bytes = this.skip();
    if (bytes > 5 || (bytes === 5 && this.payload[this.pos - 1]! > 0x0f)) {
      this.pos = at;
      this.u32(what);
    }
  }

  /** Skips a varint (at most 10 bytes); returns its length. */
  private skip(): number {
    const p = this.payload;
    const at = this.pos;
    // Perf: most varints of an item (lengths, ids, modes, link counts, time deltas) are one byte.
    if (p[at]! < 0x80) {
      this.pos = at + 1;
      return 1;
    }
    let pos = at;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (pos >= p.length) throw this.pastEnd();
      if (p[pos++]! < 0x80) {
        this.pos = pos;
        return pos - at;
      }
    }
    throw this.damage('varint longer than 10 bytes');
  }

  /** A directory header: the path front-coded against the current one, then the directory's inode. */
  private readDirectory(): void {
    const shared = this.varint();
    if (shared !== shared || shared > this.dirLength)
      throw this.damage(`directory shares ${shared === shared ? shared : this.bigValue} bytes of a ${this.dirLength}-byte path`);
    const suffix = this.length('directory path');
    const suffixAt = this.pos;
    this.pos += suffix;
    this.dirLength = shared + suffix;
    if (!this.paths.enter(shared, suffixAt, suffix)) throw this.badDirectory(shared, suffixAt, suffix);
    if ((this.joinBudget -= shared + suffix) < 0) throw this.joinedTooLong();
    const ino = this.u64();
    this.directories.add(shared, suffixAt, suffix, ino, this.bigValue);
    this.hasDir = true;
  }

  /** A name that is not one component; a header whose path (the current one's first `shared` bytes and the suffix) is not below the root. */
  private badName(end: number): FrameDamage {
    return this.damage(`name ${JSON.stringify(pathKey(this.payload.subarray(this.nameAt, end)))} is not one path component`);
  }
  private badDirectory(shared: number, suffixAt: number, suffix: number): FrameDamage {
    const current = this.directories.count === 0 ? Buffer.alloc(0) : this.directories.path(this.directories.count - 1);
    const path = Buffer.concat([current.subarray(0, shared), this.payload.subarray(suffixAt, suffixAt + suffix)]);
    return this.damage(`directory ${JSON.stringify(pathKey(path))} is not below the root`);
  }

  /** Where a repeated attribute's varint is: the previous entry's, which there must be. */
  private repeated(previousAt: number, what: string): number {
    if (previousAt === -1) throw this.damage(`${what} repeated from no previous entry`);
    return previousAt;
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

  /** Checks a time (a zigzag() result): whole seconds within i64. */
  private checkTime(t: number): void {
    if (t !== t && (this.bigValue < MIN_I64 || this.bigValue > MAX_I64)) throw this.damage(`time ${this.bigValue} past 64 bits`);
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
    if (v === v) return unzigzag(v) as number;
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
    const v = bigVarintAt(this.payload, this.pos - bytes, this.pos - 1);
    if (v >= TWO_64 * 2n) throw this.damage('varint past 65 bits');
    this.bigValue = v;
    return NaN;
  }

  private need(bytes: number): void {
    if (this.pos + bytes > this.payload.length) throw this.pastEnd();
  }

  private joinedTooLong(): FrameDamage {
    return this.damage(`the block's paths join to more than ${JOINED_PATH_PER_BYTE} bytes per payload byte and ${JOINED_PATH_FLOOR >> 20} MiB`);
  }

  private pastEnd(): FrameDamage {
    return new FrameDamage('item runs past the block', this.at, true);
  }

  private damage(what: string): FrameDamage {
    return new FrameDamage(what, this.at, false);
  }
}
