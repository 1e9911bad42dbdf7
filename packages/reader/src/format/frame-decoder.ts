import { WalkErrorCode, WalkFormatError } from './errors.js';
import { FrameCursor, FrameDamage } from './frame-cursor.js';
import { ItemKind } from './layout.js';
import { RecordBuffer } from './record-buffer.js';
import { decodeBlock, type DecodedBlock } from './record-decoder.js';
import type { RootPath } from '../sdk/root-path.js';

const EMPTY = new Uint8Array(0);
/** A format-1 record is about four times its format-2 item (measured on the bench corpus: 134 against 31 bytes). */
const EXPANSION = 5;

/**
 * Decodes one format-2 block payload into the same entries a format-1 block gives.
 * Perf: each item becomes a format-1 record in one fresh buffer (per block, never
 * reused: entries keep views into it), so every fast path of the package (fields
 * read in place, path keys, the sort's record copies) works on format 2 unchanged.
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
): DecodedBlock {
  const pieces: { bytes: Buffer; count: number }[] = [];
  const out = new RecordBuffer((block, count) => pieces.push({ bytes: Buffer.from(block.buffer, block.byteOffset, block.byteLength), count }), {
    capacity: payload.length * EXPANSION + 65_536,
    fullAttrs,
    detached: true,
  });
  const cursor = new FrameCursor(payload, fullAttrs, partial);
  let records = 0;
  let prefix: Uint8Array = EMPTY;
  let dirSetAside = false;
  try {
    while (cursor.next()) {
      if (cursor.newDir) {
        const dir = cursor.dir;
        prefix = dir.length === 0 ? EMPTY : Buffer.concat([dir, SLASH]);
        dirSetAside = setAside !== null && setAside.has(Buffer.from(dir.buffer, dir.byteOffset, dir.length).toString('latin1'));
      }
      if (cursor.kind === ItemKind.end) continue;
      records++;
      if (setAside !== null && isSetAside(cursor, prefix, dirSetAside, setAside)) continue;
      const nameTo = cursor.nameAt + cursor.nameLength;
      if (cursor.kind === ItemKind.error) {
        out.appendError(
          cursor.ino,
          cursor.dirIno,
          cursor.type,
          cursor.syscall,
          payload.toString('latin1', cursor.codeAt, cursor.codeAt + cursor.codeLength),
          prefix,
          payload.subarray(cursor.nameAt, nameTo),
        );
      } else {
        out.appendFields(
          prefix,
          payload,
          cursor.nameAt,
          nameTo,
          cursor.ino,
          cursor.dirIno,
          cursor.type,
          cursor.size,
          cursor.mtime,
          cursor.uid,
          cursor.gid,
          cursor.mode,
          cursor.nlink,
          cursor.blocks,
          cursor.dev,
          cursor.atime,
          cursor.ctime,
        );
      }
    }
  } catch (err) {
    if (!(err instanceof FrameDamage)) throw err;
    if (!(partial && err.pastEnd)) throw corrupt(where, records, err.message, err.offset);
  }
  if (!partial && records !== recordCount) throw corrupt(where, records, `block holds ${records} records, its header says ${recordCount}`, cursor.offset);
  out.flush();
  const decoded: DecodedBlock = { entries: [], errors: [] };
  for (const piece of pieces) {
    const block = decodeBlock(piece.bytes.subarray(16), piece.count, root, where, false);
    for (const e of block.entries) decoded.entries.push(e);
    for (const e of block.errors) decoded.errors.push(e);
  }
  return decoded;
}

const SLASH = Uint8Array.of(0x2f);

/** Whether the record the cursor holds belongs to a set-aside directory: its own read's error record is its directory's; the root's record is none's. */
function isSetAside(cursor: FrameCursor, prefix: Uint8Array, dirSetAside: boolean, setAside: ReadonlySet<string>): boolean {
  if (cursor.kind === ItemKind.error && cursor.mark) {
    const own = Buffer.concat([prefix, cursor.payload.subarray(cursor.nameAt, cursor.nameAt + cursor.nameLength)]);
    return setAside.has(own.toString('latin1'));
  }
  return dirSetAside && cursor.nameLength > 0;
}

function corrupt(where: { file: string; offset: number }, n: number, what: string, offset: number): WalkFormatError {
  return new WalkFormatError(WalkErrorCode.CORRUPT_RECORD, `record ${n}: ${what}`, { file: where.file, offset: where.offset + offset });
}
