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
  LAYOUT_FULL_ATTRS,
  WALK_ID_SIZE,
} from './format.js';
import { decodeBlock, type DecodedBlock } from './record-decoder.js';
import type { RootPath } from './root-path.js';

export interface ThreadFileHeader {
  version: number;
  fullAttrs: boolean;
  walkId: string;
  thread: number;
  blockCapacity: number;
}

/** Builds the 64-byte header every thread file starts with. */
export function encodeFileHeader(header: Omit<ThreadFileHeader, 'version'>): Buffer {
  if (!/^[0-9a-f]{32}$/.test(header.walkId)) throw new TypeError(`walk id must be 32 hex digits, got ${JSON.stringify(header.walkId)}`);
  const buf = Buffer.alloc(FILE_HEADER_SIZE);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  buf.set(FILE_MAGIC, FileHeaderOffset.magic);
  view.setUint16(FileHeaderOffset.version, FORMAT_VERSION, true);
  view.setUint16(FileHeaderOffset.headerSize, FILE_HEADER_SIZE, true);
  view.setUint32(FileHeaderOffset.layoutFlags, header.fullAttrs ? LAYOUT_FULL_ATTRS : 0, true);
  Buffer.from(header.walkId, 'hex').copy(buf, FileHeaderOffset.walkId, 0, WALK_ID_SIZE);
  view.setUint32(FileHeaderOffset.thread, header.thread, true);
  view.setUint32(FileHeaderOffset.blockCapacity, header.blockCapacity, true);
  return buf;
}

export function decodeFileHeader(buf: Buffer, file: string): ThreadFileHeader {
  const bad = (what: string, offset = 0): WalkFormatError =>
    new WalkFormatError(WalkErrorCode.BAD_HEADER, what, { file, offset });
  if (buf.length < FILE_HEADER_SIZE) throw bad(`file is ${buf.length} bytes, shorter than the ${FILE_HEADER_SIZE}-byte header`);
  if (!buf.subarray(0, FILE_MAGIC.length).equals(FILE_MAGIC)) throw bad('not a pwalk-ts thread file (wrong magic)');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = view.getUint16(FileHeaderOffset.version, true);
  if (version > FORMAT_VERSION) {
    throw new WalkFormatError(
      WalkErrorCode.UNSUPPORTED_VERSION,
      `thread file has format version ${version}; this reader knows up to ${FORMAT_VERSION}`,
      { file, offset: FileHeaderOffset.version },
    );
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
  /** 'throw' (default) stops at a corrupt block; 'skip' records it and goes on with the next. */
  onCorrupt: 'throw' | 'skip';
  /** Problems met while reading in 'skip' mode, and a truncated tail, are pushed here. */
  problems: WalkFormatError[];
}

/** Sanity bound on one block: far above any block a writer makes, low enough that a flipped length cannot allocate wildly. */
const MAX_BLOCK_PAYLOAD = 1 << 30;

/**
 * Streams the decoded blocks of one thread file. Memory is one block at a time.
 * A file that ends inside a block yields the whole records before the cut, then
 * pushes a TRUNCATED problem (never a half-decoded record).
 */
export async function* readThreadFile(
  file: string,
  root: RootPath,
  options: BlockReadOptions,
): AsyncGenerator<DecodedBlock> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (cause) {
    throw new WalkFormatError(WalkErrorCode.IO, `cannot open thread file: ${(cause as Error).message}`, { file, cause });
  }
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(FILE_HEADER_SIZE);
    decodeFileHeader(head.subarray(0, await readFully(handle, head, 0, file)), file);
    let offset = FILE_HEADER_SIZE;
    const blockHead = Buffer.alloc(BLOCK_HEADER_SIZE);
    const headView = new DataView(blockHead.buffer, blockHead.byteOffset, blockHead.byteLength);
    while (offset < size) {
      if (size - offset < BLOCK_HEADER_SIZE) {
        addProblem(options.problems, 
          new WalkFormatError(WalkErrorCode.TRUNCATED, `file ends ${size - offset} bytes into a block header`, { file, offset }),
        );
        return;
      }
      if ((await readFully(handle, blockHead, offset, file)) < BLOCK_HEADER_SIZE) {
        addProblem(options.problems, new WalkFormatError(WalkErrorCode.TRUNCATED, 'file shrank while being read', { file, offset }));
        return;
      }
      const magic = headView.getUint32(BlockHeaderOffset.magic, true);
      const payloadLength = headView.getUint32(BlockHeaderOffset.payloadLength, true);
      const recordCount = headView.getUint32(BlockHeaderOffset.recordCount, true);
      const checksum = headView.getUint32(BlockHeaderOffset.crc32, true);
      if (magic !== BLOCK_MAGIC || payloadLength > MAX_BLOCK_PAYLOAD) {
        // Without a trustworthy length there is no next block to resync on.
        const err = new WalkFormatError(WalkErrorCode.CORRUPT_BLOCK, 'block header is corrupt', { file, offset });
        if (options.onCorrupt === 'throw') throw err;
        addProblem(options.problems, err);
        return;
      }
      const payloadOffset = offset + BLOCK_HEADER_SIZE;
      const available = Math.min(payloadLength, size - payloadOffset);
      const payload = Buffer.allocUnsafe(available);
      const got = await readFully(handle, payload, payloadOffset, file);
      if (got < payloadLength) {
        let whole = 0;
        try {
          const partial = decodeBlock(payload.subarray(0, got), recordCount, root, { file, offset: payloadOffset }, true);
          whole = partial.entries.length + partial.errors.length;
          if (whole > 0) yield partial;
        } catch (err) {
          if (options.onCorrupt === 'throw' || !(err instanceof WalkFormatError)) throw err;
          addProblem(options.problems, err);
        }
        addProblem(
          options.problems,
          new WalkFormatError(
            WalkErrorCode.TRUNCATED,
            `file ends ${got} of ${payloadLength} bytes into a block; ${whole} of its ${recordCount} records were whole`,
            { file, offset },
          ),
        );
        return;
      }
      offset = payloadOffset + payloadLength;
      if (crc32(payload) !== checksum) {
        const err = new WalkFormatError(WalkErrorCode.CORRUPT_BLOCK, `block checksum mismatch (${recordCount} records lost)`, {
          file,
          offset: payloadOffset - BLOCK_HEADER_SIZE,
        });
        if (options.onCorrupt === 'throw') throw err;
        addProblem(options.problems, err);
        continue;
      }
      try {
        yield decodeBlock(payload, recordCount, root, { file, offset: payloadOffset }, false);
      } catch (err) {
        if (options.onCorrupt === 'throw' || !(err instanceof WalkFormatError)) throw err;
        addProblem(options.problems, err);
      }
    }
  } finally {
    await handle.close();
  }
}

/** Reads until `buf` is full or the file ends; returns the bytes read. */
async function readFully(handle: FileHandle, buf: Buffer, position: number, file: string): Promise<number> {
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
