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
} from './format.js';
import { WalkErrorCode, WalkFormatError } from './errors.js';
import type { WalkEntry, WalkEntryError } from './record.js';
import { RootPath } from './root-path.js';

const TWO_32 = 4294967296;

/**
 * Entry decoded from one record. Perf: the fixed fields are read eagerly (they are
 * cheap); the full path, its string form and the depth are derived on first use,
 * since many consumers never read them.
 */
class DecodedEntry implements WalkEntry {
  private pathBytesCache: Uint8Array | undefined;
  private pathCache: string | undefined;
  constructor(
    private readonly root: RootPath,
    readonly relativePathBytes: Uint8Array,
    readonly type: EntryTypeName,
    readonly inode: bigint,
    readonly parentInode: bigint,
    readonly size: bigint,
    readonly mtime: number,
    readonly blocks: bigint | null,
    readonly mode: number | null,
    readonly uid: number | null,
    readonly gid: number | null,
    readonly nlink: number | null,
    readonly dev: bigint | null,
    readonly atime: number | null,
    readonly ctime: number | null,
  ) {}
  get pathBytes(): Uint8Array {
    return (this.pathBytesCache ??= this.root.join(this.relativePathBytes));
  }
  get path(): string {
    return (this.pathCache ??= this.root.joinString(this.relativePathBytes));
  }
  get depth(): number {
    return depthOf(this.relativePathBytes);
  }
}

class DecodedError implements WalkEntryError {
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
  if (relative.length === 0) return 0;
  let depth = 1;
  for (let i = 0; i < relative.length; i++) if (relative[i] === 0x2f) depth++;
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
export function decodeBlock(
  payload: Buffer,
  recordCount: number,
  root: RootPath,
  where: { file: string; offset: number },
  partial: boolean,
): DecodedBlock {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const end = payload.length;
  const entries: WalkEntry[] = [];
  const errors: WalkEntryError[] = [];
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
    const inode = view.getBigUint64(off + RecordOffset.inode, true);
    const parentInode = view.getBigUint64(off + RecordOffset.parentInode, true);
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
      errors.push(new DecodedError(root, payload.subarray(ext, ext + pathLength), type, inode, parentInode, syscall, code));
      off = ext + pathLength;
      continue;
    }
    let size: bigint;
    if (flags & RecordFlag.SIZE64) {
      need(8, 'size extension');
      size = view.getBigUint64(ext, true);
      ext += 8;
    } else {
      size = BigInt(view.getUint32(off + RecordOffset.size, true));
    }
    let mtime: number;
    if (flags & RecordFlag.MTIME64) {
      need(8, 'mtime extension');
      mtime = readI64(view, ext);
      ext += 8;
    } else {
      mtime = view.getUint32(off + RecordOffset.mtime, true);
    }
    let entry: DecodedEntry;
    if (flags & RecordFlag.ATTRS) {
      need(ATTRS_SIZE + pathLength, 'attributes and path');
      entry = new DecodedEntry(
        root,
        payload.subarray(ext + ATTRS_SIZE, ext + ATTRS_SIZE + pathLength),
        type,
        inode,
        parentInode,
        size,
        mtime,
        view.getBigUint64(ext + AttrsOffset.blocks, true),
        view.getUint32(ext + AttrsOffset.mode, true),
        view.getUint32(ext + AttrsOffset.uid, true),
        view.getUint32(ext + AttrsOffset.gid, true),
        view.getUint32(ext + AttrsOffset.nlink, true),
        view.getBigUint64(ext + AttrsOffset.dev, true),
        readI64(view, ext + AttrsOffset.atime),
        readI64(view, ext + AttrsOffset.ctime),
      );
      ext += ATTRS_SIZE;
    } else {
      need(pathLength, 'path');
      entry = new DecodedEntry(
        root,
        payload.subarray(ext, ext + pathLength),
        type,
        inode,
        parentInode,
        size,
        mtime,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
      );
    }
    entries.push(entry);
    off = ext + pathLength;
  }
  return off;
  }
}

function isZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Thrown inside a partial decode when a record runs past the cut; never escapes decodeBlock. */
const PAST_END = Symbol('past end');

/** Signed 64-bit little-endian as a number: exact for every time a Linux filesystem can hold (|s| < 2^53). */
function readI64(view: DataView, off: number): number {
  return view.getInt32(off + 4, true) * TWO_32 + view.getUint32(off, true);
}
