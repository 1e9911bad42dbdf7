import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { WalkErrorCode, WalkFormatError } from './errors.js';
import { FrameCursor, FrameDamage } from './frame-cursor.js';
import { BLOCK_HEADER_SIZE, BLOCK_MAGIC, BlockHeaderOffset, FILE_HEADER_SIZE, ItemKind } from './layout.js';
import type { WalkThreadFile } from './walk-folder.js';
import { pathKey } from '../sdk/path-key.js';

/** A directory a resume must read: stacked by the walk (its entry record marked DESCENDED), never finished. */
export interface PendingDirectory {
  /** Relative path bytes. */
  readonly rel: Buffer;
  readonly ino: number | bigint;
  /** Its device as recorded; null in a compact walk. */
  readonly dev: number | bigint | null;
}

/** One thread file as a resume finds it (FORMAT.md 5.2, 7.5). */
export interface ThreadFileState {
  readonly file: WalkThreadFile;
  /** Bytes of the file up to the end of its last whole, checked block: a resume cuts the rest. */
  readonly wholeBytes: number;
  readonly size: number;
  readonly blocks: number;
  /** Directories (latin1 keys) with records in this file and no end marker after them here: set aside from now on. */
  readonly newlySetAside: string[];
}

/** What the thread files of a format-2 walk say after it stopped (FORMAT.md 7.5): the base of a resume. */
export interface WalkState {
  readonly files: ThreadFileState[];
  /** Every directory whose read finished (latin1 keys of relative paths), with the index of the file holding its end marker. */
  readonly finished: ReadonlyMap<string, number>;
  /** Directories stacked and not finished, in file order: what the resume reads. */
  readonly pending: PendingDirectory[];
  /** The root's own record (inode, device or null in a compact walk), when a whole block holds it. */
  readonly root: { ino: number | bigint; dev: number | bigint | null } | null;
}

/**
 * Reads every whole block of every thread file of a walk that stopped and works out
 * the state FORMAT.md 7.5 describes. A block that fails its checksum or does not
 * decode anywhere but at a file's cut tail is damage a resume cannot see past: it is
 * thrown (a resume refuses the walk). `setAside` holds what earlier resumes set aside.
 */
export function readWalkState(files: readonly WalkThreadFile[]): WalkState {
  // Memory (README, resume): one entry per finished directory, the descended directories
  // not yet known finished, and per file only the directories whose end is still to come.
  const finished = new Map<string, number>();
  // Each one's path as a latin1 string: about a third of a Buffer's bytes.
  let descended: { file: number; owner: string; rel: string; ino: number | bigint; dev: number | bigint | null }[] = [];
  const setAside: Set<string>[] = [];
  let settledAt = 0;
  const states: Omit<ThreadFileState, 'newlySetAside'>[] = [];
  let root: WalkState['root'] = null;
  files.forEach((file, index) => {
    // Directories with records in this file and, so far, no end marker after them here.
    const open = new Set<string>();
    const previous = file.setAside ?? new Set<string>();
    let records = 0;
    let blocks = 0;
    const extent = forEachWholeBlock(file.path, (payload, recordCount, offset) => {
      blocks++;
      records += recordCount;
      const cursor = new FrameCursor(payload, file.header.fullAttrs, false);
      let dirKey = '';
      try {
        while (cursor.next()) {
          if (cursor.newDir) dirKey = pathKey(cursor.dir);
          if (cursor.kind === ItemKind.end) {
            finished.set(dirKey, index);
            open.delete(dirKey);
            continue;
          }
          // Below the root, as the cursor checks every header and name. Perf: only a marked item's path is joined.
          const descends = cursor.kind === ItemKind.entry && cursor.mark;
          const rel = descends || (cursor.kind === ItemKind.error && cursor.mark) ? cursor.relativePath() : null;
          // The root's record belongs to no directory's read.
          if (cursor.nameLength === 0) {
            if (cursor.kind === ItemKind.entry && root === null) root = { ino: cursor.ino, dev: file.header.fullAttrs ? cursor.dev : null };
            if (descends) descended.push({ file: index, owner: '\0root', rel: pathKey(rel!), ino: cursor.ino, dev: file.header.fullAttrs ? cursor.dev : null });
            continue;
          }
          const owner = rel !== null && !descends ? pathKey(rel) : dirKey;
          if (previous.has(owner)) continue;
          // A record after its directory's end marker in this file belongs to that finished read.
          if (finished.get(owner) !== index) open.add(owner);
          if (descends) descended.push({ file: index, owner, rel: pathKey(rel!), ino: cursor.ino, dev: file.header.fullAttrs ? cursor.dev : null });
        }
      } catch (err) {
        if (!(err instanceof FrameDamage)) throw err;
        throw new WalkFormatError(WalkErrorCode.CORRUPT_RECORD, `record ${records}: ${err.message}`, {
          file: file.path,
          offset: offset + BLOCK_HEADER_SIZE + err.offset,
        });
      }
    });
    setAside.push(open);
    states.push({ file, wholeBytes: extent.whole, size: extent.size, blocks });
    // What is settled leaves memory before the next file is read, once it has doubled (so each entry is looked at O(1) times).
    const last = index === files.length - 1;
    if (last || descended.length > 2 * settledAt) {
      descended = descended.filter((d) => !setAside[d.file]!.has(d.owner) && !finished.has(d.rel));
      settledAt = descended.length;
    }
  });
  return {
    files: states.map((s, i) => ({ ...s, newlySetAside: [...setAside[i]!] })),
    finished,
    pending: descended.map((d) => ({ rel: Buffer.from(d.rel, 'latin1'), ino: d.ino, dev: d.dev })),
    root,
  };
}

/**
 * Calls `visit` with each whole block whose checksum holds, in file order; returns the
 * offset after the last one and the file's size. A block cut by the end of the file
 * ends the walk through it (a kill's tail); a bad block anywhere before that is thrown.
 */
function forEachWholeBlock(path: string, visit: (payload: Buffer, recordCount: number, offset: number) => void): { whole: number; size: number } {
  // As checkResumeFolder found it: never through a symlink, never waiting on a FIFO swapped in since.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new WalkFormatError(WalkErrorCode.BAD_HEADER, 'thread file is not a regular file', { file: path });
    const size = st.size;
    const head = Buffer.alloc(BLOCK_HEADER_SIZE);
    let offset = FILE_HEADER_SIZE;
    for (;;) {
      if (offset + BLOCK_HEADER_SIZE > size) return { whole: offset, size };
      readSync(fd, head, 0, BLOCK_HEADER_SIZE, offset);
      const length = head.readUInt32LE(BlockHeaderOffset.payloadLength);
      const damaged = (what: string): WalkFormatError => new WalkFormatError(WalkErrorCode.CORRUPT_BLOCK, what, { file: path, offset });
      if (head.readUInt32LE(BlockHeaderOffset.magic) !== BLOCK_MAGIC) {
        // Zeros where a crash left the file's length without its data read as a cut tail too.
        if (head.every((b) => b === 0)) return { whole: offset, size };
        throw damaged('block header is corrupt');
      }
      if (offset + BLOCK_HEADER_SIZE + length > size) return { whole: offset, size };
      const payload = Buffer.allocUnsafe(length);
      readSync(fd, payload, 0, length, offset + BLOCK_HEADER_SIZE);
      if (crc32(payload) !== head.readUInt32LE(BlockHeaderOffset.crc32)) {
        // The last block of a killed walk's file may be torn; one anywhere else is damage.
        if (offset + BLOCK_HEADER_SIZE + length === size) return { whole: offset, size };
        throw damaged('block checksum mismatch');
      }
      visit(payload, head.readUInt32LE(BlockHeaderOffset.recordCount), offset);
      offset += BLOCK_HEADER_SIZE + length;
    }
  } finally {
    closeSync(fd);
  }
}
