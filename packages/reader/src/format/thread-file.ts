import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { WalkErrorCode, WalkFormatError } from './errors.js';
import {
  BLOCK_HEADER_SIZE,
  BLOCK_MAGIC,
  BlockHeaderOffset,
  FILE_HEADER_SIZE,
  FILE_MAGIC,
  FORMAT_VERSION,
  FileHeaderOffset,
  OLDEST_FORMAT_VERSION,
  LAYOUT_FULL_ATTRS,
  WALK_ID_SIZE,
} from './layout.js';
import { decodeBlock, type DecodedBlock } from './record-decoder.js';
import { decodeFrameBlock } from './frame-decoder.js';
import type { RootPath } from '../sdk/root-path.js';
import { EntryArrayBlock, type EntryBlock } from '../sdk/entry-block.js';

export interface ThreadFileHeader {
  version: number;
  fullAttrs: boolean;
  walkId: string;
  thread: number;
  blockCapacity: number;
}

/** Builds the 64-byte header every thread file starts with; `version` says how its blocks are encoded (1: RecordBuffer's records, 2: FrameBuffer's items). */
export function encodeFileHeader(header: ThreadFileHeader): Buffer {
  if (header.version < OLDEST_FORMAT_VERSION || header.version > FORMAT_VERSION) throw new RangeError(`no format version ${header.version}`);
  if (!/^[0-9a-f]{32}$/.test(header.walkId)) throw new TypeError(`walk id must be 32 hex digits, got ${JSON.stringify(header.walkId)}`);
  const buf = Buffer.alloc(FILE_HEADER_SIZE);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  buf.set(FILE_MAGIC, FileHeaderOffset.magic);
  view.setUint16(FileHeaderOffset.version, header.version, true);
  view.setUint16(FileHeaderOffset.headerSize, FILE_HEADER_SIZE, true);
  view.setUint32(FileHeaderOffset.layoutFlags, header.fullAttrs ? LAYOUT_FULL_ATTRS : 0, true);
  Buffer.from(header.walkId, 'hex').copy(buf, FileHeaderOffset.walkId, 0, WALK_ID_SIZE);
  view.setUint32(FileHeaderOffset.thread, header.thread, true);
  view.setUint32(FileHeaderOffset.blockCapacity, header.blockCapacity, true);
  return buf;
}

export function decodeFileHeader(buf: Buffer, file: string): ThreadFileHeader {
  const bad = (what: string, offset = 0): WalkFormatError => new WalkFormatError(WalkErrorCode.BAD_HEADER, what, { file, offset });
  if (buf.length < FILE_HEADER_SIZE) throw bad(`file is ${buf.length} bytes, shorter than the ${FILE_HEADER_SIZE}-byte header`);
  if (!buf.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC)) throw bad('not a pwalk-ts thread file (wrong magic)');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = view.getUint16(FileHeaderOffset.version, true);
  if (version > FORMAT_VERSION) {
    throw new WalkFormatError(WalkErrorCode.UNSUPPORTED_VERSION, `thread file has format version ${version}; this reader knows up to ${FORMAT_VERSION}`, {
      file,
      offset: FileHeaderOffset.version,
    });
  }
  if (version === 0) throw bad('format version 0 is not valid', FileHeaderOffset.version);
  const headerSize = view.getUint16(FileHeaderOffset.headerSize, true);
  if (headerSize !== FILE_HEADER_SIZE) throw bad(`header size ${headerSize}, expected ${FILE_HEADER_SIZE}`, FileHeaderOffset.headerSize);
  const layout = view.getUint32(FileHeaderOffset.layoutFlags, true);
  if ((layout & ~LAYOUT_FULL_ATTRS) !== 0) throw bad(`unknown layout flags 0x${layout.toString(16)}`, FileHeaderOffset.layoutFlags);
  return {
    version,
    fullAttrs: (layout & LAYOUT_FULL_ATTRS) !== 0,
    walkId: buf.subarray(FileHeaderOffset.walkId, FileHeaderOffset.walkId + WALK_ID_SIZE).toString('hex'),
    thread: view.getUint32(FileHeaderOffset.thread, true),
    blockCapacity: view.getUint32(FileHeaderOffset.blockCapacity, true),
  };
}

export interface BlockReadOptions {
  /** Directories (relative paths, latin1) whose records in this file a resume read again: left out (FORMAT.md 7.6). */
  setAside?: ReadonlySet<string> | null;
  /** 'throw' (default) stops at a corrupt block; 'skip' records it and goes on with the next. */
  onCorrupt: 'throw' | 'skip';
  /** Problems met while reading in 'skip' mode, and a truncated tail, are pushed here. */
  problems: WalkFormatError[];
  /** Asked once per block, in order: false leaves it unchecked and undecoded, and its problems to whoever takes it (sdk/block-share.ts). */
  takeBlock?: () => boolean;
  /**
   * With takeBlock: BLOCK_LEFT is yielded for every block left to another reader, and
   * BLOCK_TAKEN after every block taken (its pieces yielded, its problems pushed), so a
   * reader keeps its place among the blocks of the threads that share the walk
   * (sdk/batches-in-threads.ts).
   */
  marks?: boolean;
}

/** With marks: yielded after every block taken, once its pieces were yielded and its problems pushed. */
export const BLOCK_TAKEN: EntryBlock = marker();
/** With marks: yielded in place of every block left to another reader. */
export const BLOCK_LEFT: EntryBlock = marker();

/** A block of no records, known by its identity (and its entries array's). */
function marker(): EntryBlock {
  return new EntryArrayBlock(Object.freeze([]), Object.freeze([]), true);
}

/** Sanity bound on one block: far above any block a writer makes, low enough that a flipped length cannot allocate wildly. */
const MAX_BLOCK_PAYLOAD = 1 << 30;

/**
 * Streams the decoded blocks of one thread file, each in one or more pieces (none
 * when it keeps no record). Memory is one block at a time.
 * A file that ends inside a block yields the whole records before the cut, then
 * pushes a TRUNCATED problem (never a half-decoded record).
 */
export async function* readThreadFile(file: string, root: RootPath, options: BlockReadOptions): AsyncGenerator<EntryBlock> {
  let handle: FileHandle;
  try {
    // As readWalkFolder's header check opened it: a FIFO swapped in since must not wait for a writer forever.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw new WalkFormatError(WalkErrorCode.IO, `cannot open thread file: ${(cause as Error).message}`, { file, cause });
  }
  let pending: Promise<RawBlock> | null = null;
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new WalkFormatError(WalkErrorCode.BAD_HEADER, 'thread file is not a regular file', { file });
    const size = st.size;
    const head = Buffer.alloc(FILE_HEADER_SIZE);
    const header = decodeFileHeader(head.subarray(0, await readFully(handle, head, 0, file)), file);
    const setAside = options.setAside !== undefined && options.setAside !== null && options.setAside.size > 0 ? options.setAside : null;
    const decode = (payload: Buffer, recordCount: number, where: { file: string; offset: number }, partial: boolean): DecodedPieces =>
      header.version === 1
        ? wholeBlock(decodeBlock(payload, recordCount, root, where, partial), header.fullAttrs)
        : decodeFrameBlock(payload, recordCount, root, where, partial, header.fullAttrs, setAside);
    const fh = handle;
    pending = readRawBlock(fh, FILE_HEADER_SIZE, size, file);
    const marks = options.marks === true;
    for (;;) {
      const raw: RawBlock = await pending;
      pending = null;
      if (raw.kind === 'end') return;
      if (!(options.takeBlock?.() ?? true)) {
        // Another reader's block: it checks it and reports what is wrong with it. A cut
        // or unreadable header, or a cut payload, is the last block this file has.
        if (raw.kind !== 'block' || raw.payload.length < raw.payloadLength) {
          if (marks) yield BLOCK_LEFT;
          return;
        }
        pending = readRawBlock(fh, raw.offset + BLOCK_HEADER_SIZE + raw.payloadLength, size, file);
        if (marks) yield BLOCK_LEFT;
        continue;
      }
      if (raw.kind === 'cut-header') {
        addProblem(options.problems, new WalkFormatError(WalkErrorCode.TRUNCATED, raw.message, { file, offset: raw.offset }));
        if (marks) yield BLOCK_TAKEN;
        return;
      }
      if (raw.kind === 'bad-header') {
        // Without a trustworthy length there is no next block to resync on.
        const err = new WalkFormatError(WalkErrorCode.CORRUPT_BLOCK, 'block header is corrupt', { file, offset: raw.offset });
        if (options.onCorrupt === 'throw') throw err;
        addProblem(options.problems, err);
        if (marks) yield BLOCK_TAKEN;
        return;
      }
      const payloadOffset = raw.offset + BLOCK_HEADER_SIZE;
      if (raw.payload.length < raw.payloadLength) {
        let whole = 0;
        try {
          const partial = decode(raw.payload, raw.recordCount, { file, offset: payloadOffset }, true);
          whole = partial.records;
          yield* partial.pieces();
        } catch (err) {
          if (options.onCorrupt === 'throw' || !(err instanceof WalkFormatError)) throw err;
          addProblem(options.problems, err);
        }
        addProblem(
          options.problems,
          new WalkFormatError(
            WalkErrorCode.TRUNCATED,
            `file ends ${raw.payload.length} of ${raw.payloadLength} bytes into a block; ${whole} of its ${raw.recordCount} records were whole`,
            { file, offset: raw.offset },
          ),
        );
        if (marks) yield BLOCK_TAKEN;
        return;
      }
      // Perf: the next block is read while this one is checked, decoded and consumed.
      pending = readRawBlock(fh, payloadOffset + raw.payloadLength, size, file);
      if (crc32(raw.payload) !== raw.checksum) {
        const err = new WalkFormatError(WalkErrorCode.CORRUPT_BLOCK, `block checksum mismatch (${raw.recordCount} records lost)`, {
          file,
          offset: raw.offset,
        });
        if (options.onCorrupt === 'throw') throw err;
        addProblem(options.problems, err);
      } else {
        try {
          yield* decode(raw.payload, raw.recordCount, { file, offset: payloadOffset }, false).pieces();
        } catch (err) {
          if (options.onCorrupt === 'throw' || !(err instanceof WalkFormatError)) throw err;
          addProblem(options.problems, err);
        }
      }
      if (marks) yield BLOCK_TAKEN;
    }
  } finally {
    // A read-ahead still in flight when the consumer stops early must settle before the close.
    if (pending !== null) await pending.catch(() => undefined);
    await handle.close();
  }
}

/** A block's records, handed on in one or more pieces (a format-2 block's entries are made a piece at a time). */
interface DecodedPieces {
  /** Entries and error records in all the pieces. */
  readonly records: number;
  pieces(): Iterable<EntryBlock>;
}

function wholeBlock(block: DecodedBlock, fullAttrs: boolean): DecodedPieces {
  const records = block.entries.length + block.errors.length;
  return { records, pieces: () => (records > 0 ? [new EntryArrayBlock(block.entries, block.errors, fullAttrs)] : []) };
}

/** One block as read from disk, before any check of its payload. */
type RawBlock =
  | { kind: 'end' }
  | { kind: 'cut-header'; offset: number; message: string }
  | { kind: 'bad-header'; offset: number }
  | { kind: 'block'; offset: number; payloadLength: number; recordCount: number; checksum: number; payload: Buffer };

async function readRawBlock(handle: FileHandle, offset: number, size: number, file: string): Promise<RawBlock> {
  if (offset >= size) return { kind: 'end' };
  if (size - offset < BLOCK_HEADER_SIZE) return { kind: 'cut-header', offset, message: `file ends ${size - offset} bytes into a block header` };
  const head = Buffer.allocUnsafe(BLOCK_HEADER_SIZE);
  if ((await readFully(handle, head, offset, file)) < BLOCK_HEADER_SIZE) {
    return { kind: 'cut-header', offset, message: 'file shrank while being read' };
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const payloadLength = view.getUint32(BlockHeaderOffset.payloadLength, true);
  if (view.getUint32(BlockHeaderOffset.magic, true) !== BLOCK_MAGIC || payloadLength > MAX_BLOCK_PAYLOAD) {
    return { kind: 'bad-header', offset };
  }
  const payloadOffset = offset + BLOCK_HEADER_SIZE;
  const payload = Buffer.allocUnsafe(Math.min(payloadLength, size - payloadOffset));
  const got = await readFully(handle, payload, payloadOffset, file);
  return {
    kind: 'block',
    offset,
    payloadLength,
    recordCount: view.getUint32(BlockHeaderOffset.recordCount, true),
    checksum: view.getUint32(BlockHeaderOffset.crc32, true),
    payload: got < payload.length ? payload.subarray(0, got) : payload,
  };
}

/** Reads until `buf` is full or the file ends; returns the bytes read. */
export async function readFully(handle: FileHandle, buf: Buffer, position: number, file: string): Promise<number> {
  let done = 0;
  while (done < buf.length) {
    let n: number;
    try {
      ({ bytesRead: n } = await handle.read(buf, done, buf.length - done, position + done));
    } catch (cause) {
      throw new WalkFormatError(WalkErrorCode.IO, `read failed: ${(cause as Error).message}`, { file, offset: position + done, cause });
    }
    if (n === 0) return done;
    done += n;
  }
  return done;
}

/** Reading entries and then errors meets the same damage twice: report it once. */
export function addProblem(problems: WalkFormatError[], problem: WalkFormatError): void {
  if (!problems.some((p) => p.code === problem.code && p.file === problem.file && p.offset === problem.offset)) problems.push(problem);
}
