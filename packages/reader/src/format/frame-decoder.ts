import { WalkErrorCode, WalkFormatError } from './errors.js';
import { FrameCursor, FrameDamage } from './frame-cursor.js';
import { grown } from './frame-directories.js';
import { COMPACT_STRIDE, Field, FrameBlock, FULL_STRIDE } from './frame-entry.js';
import { ENTRY_TYPE_NAMES, ItemKind, SYSCALL_NAMES } from './layout.js';
import { DecodedError } from './record-decoder.js';
import { pathKey } from '../sdk/path-key.js';
import type { RootPath } from '../sdk/root-path.js';
import { FrameRowsBlock, type EntryBlock } from '../sdk/entry-block.js';

/**
 * Decodes one format-2 block payload into its entries and error records, once: each
 * entry item's fields go into the columns of a FrameBlock (frame-entry.ts), which its
 * entry reads; a directory header is decoded once for all the entries under it.
 *
 * `setAside` holds the directories (relative paths, latin1) whose records in this
 * file a resume read again (FORMAT.md 7.6): their records are left out. With
 * `partial`, the payload is the start of a block cut short: decoding stops at the
 * first item that does not fit, or at a zero tag byte.
 */
export function decodeFrameBlock(
  payload: Buffer,
  recordCount: number,
  root: RootPath,
  where: { file: string; offset: number },
  partial: boolean,
  fullAttrs: boolean,
  setAside: ReadonlySet<string> | null,
): DecodedFrameBlock {
  const cursor = new FrameCursor(payload, fullAttrs, partial);
  const columns = new Columns(cursor, Math.min(recordCount, payload.length), fullAttrs ? FULL_STRIDE : COMPACT_STRIDE);
  const errors: DecodedError[] = [];
  let records = 0;
  let dirSetAside = false;
  try {
    // Perf: one pass; an entry item costs no allocation here (its entry is made after, into one array).
    while (cursor.next()) {
      if (cursor.newDir && setAside !== null) dirSetAside = setAside.has(pathKey(cursor.dir));
      if (cursor.kind === ItemKind.end) continue;
      records++;
      if (cursor.kind === ItemKind.error) {
        if (!(setAside !== null && isSetAsideError(cursor, dirSetAside, setAside))) errors.push(errorOf(cursor, root, payload));
        continue;
      }
      // A set-aside directory's entries; the root's record (no name) is none's.
      if (dirSetAside && cursor.nameLength > 0) continue;
      columns.keep(cursor.directories.count - 1);
    }
  } catch (err) {
    if (!(err instanceof FrameDamage)) throw err;
    if (!(partial && err.pastEnd)) throw corrupt(where, records, err.message, err.offset);
  }
  if (!partial && records !== recordCount) throw corrupt(where, records, `block holds ${records} records, its header says ${recordCount}`, cursor.offset);
  return new DecodedFrameBlock(columns.block(root, payload, fullAttrs), columns.count, errors);
}

/**
 * A block's rows are handed on this many at a time, each piece's entries made only
 * when asked for (EntryBlock.entries). Perf: a format-2 block holds about 28 k
 * records on the bench corpus (format 1's: 7.7 k); made all at once, a block's
 * entries outlived young-generation collections and were promoted, and garbage
 * collection took 31% of records() (format 1: 15%).
 */
const PIECE_ENTRIES = 4096;

/** A decoded format-2 block, whose entries are made a piece at a time as the reader goes. */
export class DecodedFrameBlock {
  constructor(
    private readonly block: FrameBlock,
    private readonly entryCount: number,
    private readonly errors: DecodedError[],
  ) {}

  /** Entries and error records kept. */
  get records(): number {
    return this.entryCount + this.errors.length;
  }

  /** The block's rows in pieces of PIECE_ENTRIES, in order; its error records come with the first. */
  *pieces(): Generator<EntryBlock> {
    let errors: readonly DecodedError[] = this.errors;
    for (let from = 0; from < this.entryCount || errors.length > 0; from += PIECE_ENTRIES) {
      yield new FrameRowsBlock(this.block, from, Math.min(this.entryCount, from + PIECE_ENTRIES), errors);
      errors = [];
    }
  }
}

/** The columns of a block being decoded; they grow when a block holds more entries than its header said (damage, found at its end). */
class Columns {
  count = 0;
  private types: Uint8Array;
  private nameAt: Uint32Array;
  private nameLength: Uint32Array;
  private dirOf: Uint32Array;
  private fields: Uint32Array;

  constructor(
    private readonly cursor: FrameCursor,
    private capacity: number,
    private readonly stride: number,
  ) {
    this.types = new Uint8Array(capacity);
    this.nameAt = new Uint32Array(capacity);
    this.nameLength = new Uint32Array(capacity);
    this.dirOf = new Uint32Array(capacity);
    this.fields = new Uint32Array(capacity * stride);
  }

  /** Keeps the entry item the cursor holds, under header `dir`. */
  keep(dir: number): void {
    if (this.count === this.capacity) this.grow();
    const c = this.cursor;
    const i = this.count++;
    this.types[i] = c.type;
    this.nameAt[i] = c.nameAt;
    this.nameLength[i] = c.nameLength;
    this.dirOf[i] = dir;
    const f = this.fields;
    const at = i * this.stride;
    f[at + Field.ino] = c.fieldsAt;
    f[at + Field.size] = c.sizeAt;
    if (this.stride === FULL_STRIDE) {
      f[at + Field.uid] = c.uidAt;
      f[at + Field.gid] = c.gidAt;
      f[at + Field.mode] = c.modeAt;
      f[at + Field.dev] = c.devAt;
      f[at + Field.nlink] = c.nlinkAt;
    }
  }

  private grow(): void {
    this.capacity = Math.max(16, this.capacity * 2);
    this.types = grown(this.types, new Uint8Array(this.capacity));
    this.nameAt = grown(this.nameAt, new Uint32Array(this.capacity));
    this.nameLength = grown(this.nameLength, new Uint32Array(this.capacity));
    this.dirOf = grown(this.dirOf, new Uint32Array(this.capacity));
    this.fields = grown(this.fields, new Uint32Array(this.capacity * this.stride));
  }

  block(root: RootPath, payload: Buffer, fullAttrs: boolean): FrameBlock {
    const { stride, types, nameAt, nameLength, dirOf, fields } = this;
    return new FrameBlock(root, payload, fullAttrs, stride, fields, types, nameAt, nameLength, dirOf, this.cursor.directories);
  }
}

/** Whether the error record the cursor holds belongs to a set-aside directory: its own read's error record is its directory's. */
function isSetAsideError(c: FrameCursor, dirSetAside: boolean, setAside: ReadonlySet<string>): boolean {
  if (c.mark) {
    const own = c.relativePath();
    return setAside.has(pathKey(own));
  }
  return dirSetAside && c.nameLength > 0;
}

/** The error record the cursor holds, its path joined now (error records are few). */
function errorOf(c: FrameCursor, root: RootPath, payload: Buffer): DecodedError {
  return new DecodedError(
    root,
    c.relativePath(),
    ENTRY_TYPE_NAMES[c.type]!,
    BigInt(c.ino),
    BigInt(c.dirIno),
    SYSCALL_NAMES[c.syscall] ?? 'unknown',
    payload.toString('latin1', c.codeAt, c.codeAt + c.codeLength),
  );
}

function corrupt(where: { file: string; offset: number }, n: number, what: string, offset: number): WalkFormatError {
  return new WalkFormatError(WalkErrorCode.CORRUPT_RECORD, `record ${n}: ${what}`, { file: where.file, offset: where.offset + offset });
}
