// Hand-made format-2 items and blocks (FORMAT.md section 7) for tests that forge or
// damage a walk's thread files with valid checksums, so the decoder, not the CRC,
// meets what they hold.
import { readFileSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/** An unsigned LEB128 varint (FORMAT.md 7.1). */
export function varint(v: number | bigint): number[] {
  const out: number[] = [];
  let n = BigInt(v);
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

const zigzag = (v: number): number[] => varint(v < 0 ? -2 * v - 1 : 2 * v);

/** A block: its 16-byte header (magic, length, record count, CRC-32) and the payload. */
export function frameBlock(payload: Uint8Array, records: number): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32LE(0x4b4c4250, 0);
  head.writeUInt32LE(payload.length, 4);
  head.writeUInt32LE(records, 8);
  head.writeUInt32LE(crc32(payload), 12);
  return Buffer.concat([head, payload]);
}

/** The header bytes of a directory: shared 0, the whole path, its inode. */
export function dirHeader(path: string, ino: number | bigint): number[] {
  const bytes = Buffer.from(path);
  return [0, ...varint(bytes.length), ...bytes, ...varint(ino)];
}

export interface ForgedEntry {
  name: string;
  ino: number | bigint;
  dev: number | bigint;
  /** The walker stacked it (DESCENDED): a resume reads it unless finished. */
  descended?: boolean;
  /** A directory header to start before it. */
  dir?: { path: string; ino: number | bigint };
}

/** A full-attribute directory entry item with every attribute written out (no `same` bits). */
export function dirEntry(e: ForgedEntry): number[] {
  const tag = 0x08 | 2 | (e.descended === true ? 0x20 : 0) | (e.dir !== undefined ? 0x40 : 0);
  const name = Buffer.from(e.name);
  return [
    tag,
    ...(e.dir !== undefined ? dirHeader(e.dir.path, e.dir.ino) : []),
    ...varint(name.length),
    ...name,
    ...varint(e.ino),
    ...varint(4096),
    ...zigzag(1_700_000_000),
    0,
    0,
    0,
    ...varint(0o40755),
    ...varint(e.dev),
    2,
    8,
    0,
    0,
  ];
}

/** The end marker (FORMAT.md 7.5) of the current directory, or of `dir` after a header of its own. */
export function endMarker(dir?: { path: string; ino: number | bigint }): number[] {
  return dir === undefined ? [0x18] : [0x18 | 0x40, ...dirHeader(dir.path, dir.ino)];
}

/** A thread file's blocks (FORMAT.md 2.2: a 64-byte file header, then a 16-byte header per block, payloadLength at +4, recordCount at +8): offset, payload (a view) and record count. */
export function threadFileBlocks(file: Buffer): { at: number; payload: Buffer; records: number }[] {
  const out = [];
  for (let at = 64; at + 16 <= file.length; at += 16 + file.readUInt32LE(at + 4)) {
    out.push({ at, payload: file.subarray(at + 16, at + 16 + file.readUInt32LE(at + 4)), records: file.readUInt32LE(at + 8) });
  }
  return out;
}

/** Replaces a thread file's blocks by `blocks`, keeping its 64-byte file header. */
export function replaceBlocks(file: string, blocks: Buffer[]): void {
  const header = readFileSync(file).subarray(0, 64);
  writeFileSync(file, Buffer.concat([header, ...blocks]));
}
