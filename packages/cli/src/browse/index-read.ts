import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readU64, ENTRY_TYPE_NAMES, type EntryTypeName } from '@pwalk-ts/reader/format';
import { CHILD, COMPACT_FLAG, COUNTED_FLAG, DIRECTORY, LINK_FLAG, FOOTER_BYTES, FORMAT, HEADER_BYTES, MAGIC, RUN_BYTES } from './index-layout.js';

/** One directory's totals as the index holds them (hard links once, rolled up). */
export interface DirectoryInfo {
  /** The relative path as a latin1 key ('' for the root). */
  readonly key: string;
  readonly entries: number;
  readonly files: number;
  readonly dirs: number;
  readonly apparent: number | bigint;
  /** Null in a --compact walk. */
  readonly allocated: number | bigint | null;
  /** -Infinity when nothing below it was read. */
  readonly newestMtime: number;
  readonly childCount: number;
  readonly runs: readonly { offset: number; length: number }[];
}

/** One entry of a directory, as a row of the browser. */
export interface ChildRow {
  readonly name: Buffer;
  readonly type: EntryTypeName;
  readonly size: number | bigint;
  readonly allocated: number | bigint | null;
  readonly mtime: number;
  readonly atime: number | null;
  readonly ctime: number | null;
  readonly mode: number | null;
  readonly uid: number | null;
  readonly gid: number | null;
  readonly nlink: number | null;
  readonly inode: number | bigint;
  readonly dev: number | bigint | null;
  /** False for a hard link the totals count at another of its paths (hard-links.ts): its size is in another row. */
  readonly counted: boolean;
  /** A directory's totals; undefined for everything else. */
  readonly dir: DirectoryInfo | undefined;
}

export interface IndexProblem {
  readonly code: string;
  readonly message: string;
}

/** A damaged or foreign index file: the caller builds it again. */
export class IndexFileError extends Error {}

/**
 * An index file opened for browsing: the directory table in memory (records in key
 * byte order, as directoryTotals gives them, found by binary search over their offsets;
 * each decoded when asked), a directory's children read from the file when it is
 * shown. Nothing else of the walk is read. Perf: a Map from key strings to offsets
 * took 1.8 s to open at 141k directories (the 1 M corpus) and 11 s at 1.4 M; the
 * offsets alone take one pass over the table with no string made.
 */
export class BrowseIndex {
  private constructor(
    private readonly fd: number,
    private readonly table: Buffer,
    private readonly offsets: Float64Array,
    readonly problems: readonly IndexProblem[],
    readonly byteLength: number,
  ) {}

  static open(path: string): BrowseIndex {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      throw new IndexFileError(`no index at ${path}`, { cause: err });
    }
    try {
      const size = fstatSync(fd).size;
      if (size < HEADER_BYTES + FOOTER_BYTES) throw new IndexFileError(`${path} is too short to be an index`);
      const header = readAt(fd, 0, HEADER_BYTES);
      const footer = readAt(fd, size - FOOTER_BYTES, FOOTER_BYTES);
      if (!header.subarray(0, MAGIC.length).equals(MAGIC) || header.readUInt32LE(MAGIC.length) !== FORMAT || !footer.subarray(20).equals(MAGIC)) {
        throw new IndexFileError(`${path} is not a browse index of format ${FORMAT}`);
      }
      const tableOffset = footer.readDoubleLE(0);
      const problemsOffset = footer.readDoubleLE(8);
      const count = footer.readUInt32LE(16);
      const table = readAt(fd, tableOffset, problemsOffset - tableOffset);
      const offsets = new Float64Array(count);
      let at = 0;
      for (let i = 0; i < count; i++) {
        offsets[i] = at;
        const body = at + 4 + table.readUInt32LE(at);
        at = body + DIRECTORY.bytes + table.readUInt32LE(body + DIRECTORY.runs) * RUN_BYTES;
      }
      const problemsLength = readAt(fd, problemsOffset, 4).readUInt32LE(0);
      const problems = JSON.parse(readAt(fd, problemsOffset + 4, problemsLength).toString('utf8')) as IndexProblem[];
      return new BrowseIndex(fd, table, offsets, problems, size);
    } catch (err) {
      closeSync(fd);
      if (err instanceof IndexFileError) throw err;
      throw new IndexFileError(`cannot read the index ${path}`, { cause: err });
    }
  }

  get directoryCount(): number {
    return this.offsets.length;
  }

  /** The record of the directory `key` (latin1 relative path), by binary search in byte order. */
  private find(key: string): number | undefined {
    const wanted = Buffer.from(key, 'latin1');
    const t = this.table;
    let low = 0;
    let high = this.offsets.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = this.offsets[middle]!;
      const order = wanted.compare(t, at + 4, at + 4 + t.readUInt32LE(at));
      if (order === 0) return at;
      if (order < 0) high = middle - 1;
      else low = middle + 1;
    }
    return undefined;
  }

  directory(key: string): DirectoryInfo | undefined {
    const at = this.find(key);
    if (at === undefined) return undefined;
    const t = this.table;
    const view = new DataView(t.buffer, t.byteOffset, t.byteLength);
    const body = at + 4 + t.readUInt32LE(at);
    const runs: { offset: number; length: number }[] = [];
    let childCount = 0;
    const runCount = t.readUInt32LE(body + DIRECTORY.runs);
    for (let i = 0, run = body + DIRECTORY.bytes; i < runCount; i++, run += RUN_BYTES) {
      runs.push({ offset: t.readDoubleLE(run), length: t.readDoubleLE(run + 8) });
      childCount += t.readDoubleLE(run + 16);
    }
    return {
      key,
      entries: t.readDoubleLE(body + DIRECTORY.entries),
      files: t.readDoubleLE(body + DIRECTORY.files),
      dirs: t.readDoubleLE(body + DIRECTORY.dirs),
      apparent: readU64(view, body + DIRECTORY.apparent),
      allocated: t.readUInt8(body + DIRECTORY.hasAllocated) === 1 ? readU64(view, body + DIRECTORY.allocated) : null,
      newestMtime: t.readDoubleLE(body + DIRECTORY.newestMtime),
      childCount,
      runs,
    };
  }

  /** Every entry directly in `dir`, read from its runs in the index file. */
  children(dir: DirectoryInfo): ChildRow[] {
    const rows: ChildRow[] = [];
    const prefix = dir.key === '' ? '' : `${dir.key}/`;
    for (const run of dir.runs) {
      const buf = readAt(this.fd, run.offset, run.length);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      for (let at = 0; at < buf.length;) {
        const nameLength = buf.readUInt16LE(at + CHILD.nameLength);
        const name = buf.subarray(at + CHILD.bytes, at + CHILD.bytes + nameLength);
        const type = ENTRY_TYPE_NAMES[buf.readUInt8(at + CHILD.type)] ?? 'unknown';
        const flags = buf.readUInt8(at + CHILD.flags);
        const full = (flags & COMPACT_FLAG) === 0;
        rows.push({
          name,
          type,
          size: readU64(view, at + CHILD.size),
          allocated: full ? readU64(view, at + CHILD.allocated) : null,
          mtime: buf.readDoubleLE(at + CHILD.mtime),
          atime: full ? buf.readDoubleLE(at + CHILD.atime) : null,
          ctime: full ? buf.readDoubleLE(at + CHILD.ctime) : null,
          mode: full ? buf.readUInt32LE(at + CHILD.mode) : null,
          uid: full ? buf.readUInt32LE(at + CHILD.uid) : null,
          gid: full ? buf.readUInt32LE(at + CHILD.gid) : null,
          nlink: full ? buf.readUInt32LE(at + CHILD.nlink) : null,
          inode: readU64(view, at + CHILD.inode),
          dev: full ? readU64(view, at + CHILD.dev) : null,
          counted: (flags & LINK_FLAG) === 0 || (flags & COUNTED_FLAG) !== 0,
          dir: type === 'dir' ? this.directory(prefix + name.toString('latin1')) : undefined,
        });
        at += CHILD.bytes + nameLength;
      }
    }
    return rows;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) throw new IndexFileError('the index ends early');
    done += n;
  }
  return buf;
}
