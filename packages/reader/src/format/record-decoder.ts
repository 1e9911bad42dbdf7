import {
  ATTRS_SIZE,
  AttrsOffset,
  ENTRY_TYPE_NAMES,
  KNOWN_RECORD_FLAGS,
  RECORD_FIXED_SIZE,
  RecordFlag,
  RecordOffset,
  SYSCALL_NAMES,
  U16_SENTINEL,
  type EntryTypeName,
  type SyscallName,
} from './layout.js';
import { EntryBase } from './entry-base.js';
import { WalkErrorCode, WalkFormatError } from './errors.js';
import type { WalkEntry, WalkEntryError } from '../sdk/record.js';
import type { RootPath } from '../sdk/root-path.js';
import { readU64, TWO_32 } from './integers.js';
import { RootEscapeScanner } from './relative-path.js';
import { pathKey } from '../sdk/path-key.js';
import { readSeconds } from './time.js';

/** A block count whose high word is below this times 512 is below 2^53. */
const EXACT_BLOCKS_HIGH_WORD = 0x1000;

/** What every record of one block shares: the payload its fields are read from. */
interface BlockData {
  readonly root: RootPath;
  readonly payload: Buffer;
  readonly view: DataView;
}

/**
 * An entry over its record's bytes. Perf: decoding a record checks it and keeps
 * five offsets; each field is read from the block when asked for, so a consumer
 * that reads three fields does not pay for sixteen (and no BigInt is made for a
 * field nobody reads). The entry keeps its block's payload alive while referenced.
 * Its record state is in private fields, so an entry a user receives shows
 * WalkEntry's fields alone; the package's own fast paths reach the record through
 * the in-place functions below, which no entry point exports.
 */
class DecodedEntry extends EntryBase {
  readonly #block: BlockData;
  /** Offset of the record's fixed part in the payload. */
  readonly #at: number;
  /** Offset of the SIZE64 / MTIME64 / ATTRS extensions (after PATH32). */
  readonly #extAt: number;
  /** Offset of the path bytes in the payload; they end the record. */
  readonly #pathAt: number;
  readonly #pathLength: number;
  readonly #flags: number;
  #relativeCache: Uint8Array | undefined;
  constructor(block: BlockData, at: number, extAt: number, pathAt: number, pathLength: number, flags: number) {
    super();
    this.#block = block;
    this.#at = at;
    this.#extAt = extAt;
    this.#pathAt = pathAt;
    this.#pathLength = pathLength;
    this.#flags = flags;
  }

  /** The payload holding `e`'s record when this module decoded `e`, else undefined. */
  static payloadOf(e: WalkEntry): Buffer | undefined {
    return #block in e ? e.#block.payload : undefined;
  }
  /** Where `e`'s record starts in its payload (`e` decoded here). */
  static startOf(e: WalkEntry): number {
    return (e as DecodedEntry).#at;
  }
  /** Where `e`'s path bytes start in its payload (`e` decoded here). */
  static pathAtOf(e: WalkEntry): number {
    return (e as DecodedEntry).#pathAt;
  }
  /** Where `e`'s record, and so its path, ends in its payload (`e` decoded here). */
  static endOf(e: WalkEntry): number {
    const d = e as DecodedEntry;
    return d.#pathAt + d.#pathLength;
  }
  /** `e`'s relative path as a latin1 key (see path-key.ts), made from the payload without a subarray; undefined when not decoded here. */
  static pathKeyOf(e: WalkEntry): string | undefined {
    return #block in e ? e.#block.payload.toString('latin1', e.#pathAt, e.#pathAt + e.#pathLength) : undefined;
  }
  /** st_size as an exact number below 2^53, else a bigint; undefined when not decoded here. Perf: no BigInt for the usual size. */
  static sizeAmountOf(e: WalkEntry): number | bigint | undefined {
    if (!(#block in e)) return undefined;
    const view = e.#block.view;
    return e.#flags & RecordFlag.SIZE64 ? readU64(view, e.#extAt) : view.getUint32(e.#at + RecordOffset.size, true);
  }
  /** st_blocks x 512 as an exact number below 2^53, else a bigint; null in a compact record; undefined when not decoded here. */
  static allocatedAmountOf(e: WalkEntry): number | bigint | null | undefined {
    if (!(#block in e)) return undefined;
    const a = e.#attrsAt;
    if (a < 0) return null;
    const view = e.#block.view;
    const hi = view.getUint32(a + AttrsOffset.blocks + 4, true);
    // Below 2^44 blocks, blocks x 512 stays below 2^53.
    if (hi < EXACT_BLOCKS_HIGH_WORD) return (hi * TWO_32 + view.getUint32(a + AttrsOffset.blocks, true)) * 512;
    return view.getBigUint64(a + AttrsOffset.blocks, true) * 512n;
  }

  get relativePathBytes(): Uint8Array {
    // Cached: sorting compares each entry's path many times.
    return (this.#relativeCache ??= this.#block.payload.subarray(this.#pathAt, this.#pathAt + this.#pathLength));
  }
  protected get rootPath(): RootPath {
    return this.#block.root;
  }
  get depth(): number {
    return depthOf(this.relativePathBytes);
  }
  get type(): EntryTypeName {
    return ENTRY_TYPE_NAMES[this.#block.view.getUint8(this.#at + RecordOffset.type)]!;
  }
  get inode(): bigint {
    return this.#block.view.getBigUint64(this.#at + RecordOffset.inode, true);
  }
  get parentInode(): bigint {
    return this.#block.view.getBigUint64(this.#at + RecordOffset.parentInode, true);
  }
  get size(): bigint {
    const view = this.#block.view;
    return this.#flags & RecordFlag.SIZE64 ? view.getBigUint64(this.#extAt, true) : BigInt(view.getUint32(this.#at + RecordOffset.size, true));
  }
  get mtimeExact(): number | bigint {
    if (this.#flags & RecordFlag.MTIME64) return readSeconds(this.#block.view, this.#extAt + (this.#flags & RecordFlag.SIZE64 ? 8 : 0));
    return this.#block.view.getUint32(this.#at + RecordOffset.mtime, true);
  }
  /** Offset of the attribute extension, or -1 in a compact record. */
  get #attrsAt(): number {
    if (!(this.#flags & RecordFlag.ATTRS)) return -1;
    return this.#extAt + (this.#flags & RecordFlag.SIZE64 ? 8 : 0) + (this.#flags & RecordFlag.MTIME64 ? 8 : 0);
  }
  get blocks(): bigint | null {
    const a = this.#attrsAt;
    return a < 0 ? null : this.#block.view.getBigUint64(a + AttrsOffset.blocks, true);
  }
  get dev(): bigint | null {
    const a = this.#attrsAt;
    return a < 0 ? null : this.#block.view.getBigUint64(a + AttrsOffset.dev, true);
  }
  get mode(): number | null {
    const a = this.#attrsAt;
    return a < 0 ? null : this.#block.view.getUint32(a + AttrsOffset.mode, true);
  }
  get uid(): number | null {
    const a = this.#attrsAt;
    return a < 0 ? null : this.#block.view.getUint32(a + AttrsOffset.uid, true);
  }
  get gid(): number | null {
    const a = this.#attrsAt;
    return a < 0 ? null : this.#block.view.getUint32(a + AttrsOffset.gid, true);
  }
  get nlink(): number | null {
    const a = this.#attrsAt;
    return a < 0 ? null : this.#block.view.getUint32(a + AttrsOffset.nlink, true);
  }
  get atimeExact(): number | bigint | null {
    const a = this.#attrsAt;
    return a < 0 ? null : readSeconds(this.#block.view, a + AttrsOffset.atime);
  }
  get ctimeExact(): number | bigint | null {
    const a = this.#attrsAt;
    return a < 0 ? null : readSeconds(this.#block.view, a + AttrsOffset.ctime);
  }
}

/*
 * The package's fast paths over entries it decoded, read in place from the record:
 * sizes without a BigInt, path keys without a subarray, the parent lookup, the sort's
 * record copy. Internal: no entry point exports them. Each takes any WalkEntry; the
 * payload, key and amounts are undefined for one this module did not decode (a
 * user's), and the offsets are asked only after the payload was found.
 */
export const recordPayload = DecodedEntry.payloadOf;
export const recordStart = DecodedEntry.startOf;
export const recordPathAt = DecodedEntry.pathAtOf;
export const recordEnd = DecodedEntry.endOf;
export const recordPathKey = DecodedEntry.pathKeyOf;
export const recordSizeAmount = DecodedEntry.sizeAmountOf;
export const recordAllocatedAmount = DecodedEntry.allocatedAmountOf;

/** An error record; format 2's decoder makes them too. */
export class DecodedError implements WalkEntryError {
  constructor(
    private readonly root: RootPath,
    readonly relativePathBytes: Uint8Array,
    readonly type: EntryTypeName,
    readonly inode: bigint,
    readonly parentInode: bigint,
    readonly syscall: SyscallName | 'unknown',
    readonly code: string,
  ) {}
  get pathBytes(): Uint8Array {
    return this.root.join(this.relativePathBytes);
  }
  get path(): string {
    return this.root.joinString(this.relativePathBytes);
  }
  get depth(): number {
    return depthOf(this.relativePathBytes);
  }
}

export function depthOf(relative: Uint8Array): number {
  return depthIn(relative, 0, relative.length);
}

/** The depth of the relative path in bytes [from, to) of `bytes`: 0 for the root, else one more than its slashes. */
export function depthIn(bytes: Uint8Array, from: number, to: number): number {
  if (to === from) return 0;
  let depth = 1;
  for (let i = from; i < to; i++) if (bytes[i] === 0x2f) depth++;
  return depth;
}

export interface DecodedBlock {
  entries: WalkEntry[];
  errors: WalkEntryError[];
}

/**
 * Decodes the records of one verified block payload. `payload` must not be reused by
 * the caller afterwards: entries keep views into it for their path bytes. With
 * `partial`, the payload is the start of a block cut short by a truncated file:
 * decoding stops at the first record that does not fit, instead of failing.
 */
export function decodeBlock(payload: Buffer, recordCount: number, root: RootPath, where: { file: string; offset: number }, partial: boolean): DecodedBlock {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const block: BlockData = { root, payload, view };
  const end = payload.length;
  const entries: WalkEntry[] = [];
  const errors: WalkEntryError[] = [];
  // A path that leaves the root (FORMAT.md 3.6) would lead a reader out of the walk; the empty path is the root's.
  const paths = new RootEscapeScanner(payload);
  let off = 0;
  try {
    off = decodeRecords();
  } catch (err) {
    if (err !== PAST_END) throw err;
    return { entries, errors };
  }
  if (!partial && off !== end) {
    throw new WalkFormatError(WalkErrorCode.CORRUPT_RECORD, `block holds ${end - off} bytes past its last record`, {
      file: where.file,
      offset: where.offset + off,
    });
  }
  return { entries, errors };

  function decodeRecords(): number {
    for (let n = 0; n < recordCount; n++) {
      const corrupt = (what: string): WalkFormatError =>
        new WalkFormatError(WalkErrorCode.CORRUPT_RECORD, `record ${n}: ${what}`, {
          file: where.file,
          offset: where.offset + off,
        });
      if (off + RECORD_FIXED_SIZE > end) {
        if (partial) break;
        throw corrupt('fixed part runs past the block');
      }
      // A cut block cannot be checked against its CRC: a crash can leave zeros
      // where the tail should be, and those must not read as records.
      if (partial && isZero(payload, off, off + RECORD_FIXED_SIZE)) break;
      const flags = view.getUint8(off + RecordOffset.flags);
      if ((flags & ~KNOWN_RECORD_FLAGS) !== 0) throw corrupt(`unknown flags 0x${flags.toString(16)}`);
      const typeCode = view.getUint8(off + RecordOffset.type);
      const type = ENTRY_TYPE_NAMES[typeCode];
      if (type === undefined) throw corrupt(`unknown entry type ${typeCode}`);
      let pathLength = view.getUint16(off + RecordOffset.pathLength, true);
      let ext = off + RECORD_FIXED_SIZE;
      const need = (bytes: number, what: string): void => {
        if (ext + bytes > end) throw partial ? PAST_END : corrupt(`${what} runs past the block`);
      };

      if (flags & RecordFlag.PATH32) {
        need(4, 'path length');
        pathLength = view.getUint32(ext, true);
        ext += 4;
      } else if (pathLength === U16_SENTINEL) {
        throw corrupt('path length sentinel without its extension');
      }
      if (flags & RecordFlag.ERROR) {
        if (flags & (RecordFlag.SIZE64 | RecordFlag.MTIME64 | RecordFlag.ATTRS)) throw corrupt('error record with entry extensions');
        need(2, 'error extension');
        const syscall = SYSCALL_NAMES[view.getUint8(ext)] ?? 'unknown';
        const codeLength = view.getUint8(ext + 1);
        ext += 2;
        need(codeLength + pathLength, 'error code and path');
        const code = payload.toString('latin1', ext, ext + codeLength);
        ext += codeLength;
        if (pathLength > 0 && paths.escapes(ext, ext + pathLength)) throw corrupt(outsideRoot(payload, ext, pathLength));
        errors.push(
          new DecodedError(
            root,
            payload.subarray(ext, ext + pathLength),
            type,
            view.getBigUint64(off + RecordOffset.inode, true),
            view.getBigUint64(off + RecordOffset.parentInode, true),
            syscall,
            code,
          ),
        );
        off = ext + pathLength;
        continue;
      }
      const extAt = ext;
      if (flags & RecordFlag.SIZE64) ext += 8;
      if (flags & RecordFlag.MTIME64) ext += 8;
      if (flags & RecordFlag.ATTRS) ext += ATTRS_SIZE;
      need(pathLength, 'extensions and path');
      if (pathLength > 0 && paths.escapes(ext, ext + pathLength)) throw corrupt(outsideRoot(payload, ext, pathLength));
      const entry = new DecodedEntry(block, off, extAt, ext, pathLength, flags);
      entries.push(entry);
      off = ext + pathLength;
    }
    return off;
  }
}

/** What is wrong with the path of `length` bytes at `at`. */
function outsideRoot(payload: Buffer, at: number, length: number): string {
  return `path ${JSON.stringify(pathKey(payload.subarray(at, at + length)))} leaves the root`;
}

function isZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Thrown inside a partial decode when a record runs past the cut; never escapes decodeBlock. */
const PAST_END = new Error('past end');
