import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { directoryTotals, FIRST_LINK, HardLinks, hardLinkId, LATER_LINK, type DirectoryTotal, type Walk, type WalkEntry } from '@pwalk-ts/reader';
import { ENTRY_TYPE_NAMES, writeU64 } from '@pwalk-ts/reader/format';
import { CHILD, COMPACT_FLAG, COUNTED_FLAG, DIRECTORY, LINK_FLAG, FOOTER_BYTES, FORMAT, HEADER_BYTES, MAGIC, RUN_BYTES } from './index-layout.js';

const SPOOL_BYTES = 1 << 20;
const SLASH = 0x2f;
const TYPE_CODE = new Map(ENTRY_TYPE_NAMES.map((name, code) => [name as string, code]));

/**
 * Writes the browse index of `walk` into the new file `path` in one streaming pass:
 * directoryTotals gives every directory's totals (its hard-link and roll-up rules),
 * and each entry it reads is appended to the file as its directory's child. A
 * directory's children come in runs (one per stretch of the walk holding them,
 * usually one), so memory holds the directories and their runs, never the entries.
 * A hard-linked file's records are all written; the one the totals count (the hard
 * link rule's, kept by HardLinks as directoryTotals keeps it) is marked once the walk
 * was read, so the browser shows the others as links counted elsewhere.
 */
export async function buildIndex(walk: Walk, path: string, signal: AbortSignal): Promise<void> {
  const fd = openSync(path, 'wx', 0o600);
  try {
    const spool = new ChildSpool(fd);
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header);
    header.writeUInt32LE(FORMAT, MAGIC.length);
    spool.write(header);
    const runs = new Map<string, number[]>();
    let runKey: string | undefined;
    let run: number[] = [];
    const links = new HardLinks<{ key: string; offset: number }>();
    const onEntry = (e: WalkEntry, parentKey: string, size: number | bigint, allocated: number | bigint | null): void => {
      if (parentKey !== runKey) {
        runKey = parentKey;
        run = runs.get(parentKey) ?? [];
        if (run.length === 0) runs.set(parentKey, run);
        run.push(spool.offset, 0, 0);
      }
      const start = spool.offset;
      const linkId = hardLinkId(e);
      spool.addChild(e, size, allocated, linkId !== null);
      if (linkId !== null) {
        const key = Buffer.from(e.relativePathBytes).toString('latin1');
        const held = links.meet(linkId, key);
        if (held === FIRST_LINK) links.hold(linkId, { key, offset: start });
        else if (held !== LATER_LINK) {
          held.key = key;
          held.offset = start;
        }
      }
      run[run.length - 2]! += spool.offset - start;
      run[run.length - 1]! += 1;
    };
    const totals = await directoryTotals(walk, { onCorrupt: 'skip', signal, onEntry });
    spool.flush();
    const counted = Buffer.from([LINK_FLAG | COUNTED_FLAG]);
    for (const link of links.credits()) writeSync(fd, counted, 0, 1, link.offset + CHILD.flags);
    const tableOffset = spool.offset;
    for (const t of totals) spool.write(directoryRecord(t, runs.get(Buffer.from(t.relativePathBytes).toString('latin1')) ?? []));
    const problemsOffset = spool.offset;
    const problems = Buffer.from(JSON.stringify(walk.problems.map((p) => ({ code: p.code, message: p.message }))));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(problems.length);
    spool.write(length);
    spool.write(problems);
    const footer = Buffer.alloc(FOOTER_BYTES);
    footer.writeDoubleLE(tableOffset, 0);
    footer.writeDoubleLE(problemsOffset, 8);
    footer.writeUInt32LE(totals.length, 16);
    MAGIC.copy(footer, 20);
    spool.write(footer);
    spool.flush();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function directoryRecord(t: DirectoryTotal, runs: readonly number[]): Buffer {
  const key = t.relativePathBytes;
  const buf = Buffer.alloc(4 + key.length + DIRECTORY.bytes + (runs.length / 3) * RUN_BYTES);
  buf.writeUInt32LE(key.length, 0);
  buf.set(key, 4);
  const at = 4 + key.length;
  buf.writeDoubleLE(t.entries, at + DIRECTORY.entries);
  buf.writeDoubleLE(t.files, at + DIRECTORY.files);
  buf.writeDoubleLE(t.dirs, at + DIRECTORY.dirs);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  writeU64(view, at + DIRECTORY.apparent, t.apparentBytes);
  writeU64(view, at + DIRECTORY.allocated, t.allocatedBytes ?? 0n);
  buf.writeDoubleLE(t.newestMtime, at + DIRECTORY.newestMtime);
  buf.writeUInt8(t.allocatedBytes === null ? 0 : 1, at + DIRECTORY.hasAllocated);
  buf.writeUInt32LE(runs.length / 3, at + DIRECTORY.runs);
  let run = at + DIRECTORY.bytes;
  for (let i = 0; i < runs.length; i += 3, run += RUN_BYTES) {
    buf.writeDoubleLE(runs[i]!, run);
    buf.writeDoubleLE(runs[i + 1]!, run + 8);
    buf.writeDoubleLE(runs[i + 2]!, run + 16);
  }
  return buf;
}

/** Appends records to the index file through one reused buffer: a write per MiB, not per entry. */
class ChildSpool {
  private readonly buf = Buffer.alloc(SPOOL_BYTES);
  private readonly view = new DataView(this.buf.buffer, this.buf.byteOffset, SPOOL_BYTES);
  private used = 0;
  /** Where the next byte lands in the file. */
  offset = 0;

  constructor(private readonly fd: number) {}

  addChild(e: WalkEntry, size: number | bigint, allocated: number | bigint | null, linked: boolean): void {
    const rel = e.relativePathBytes;
    let start = rel.length;
    while (start > 0 && rel[start - 1] !== SLASH) start--;
    const nameLength = rel.length - start;
    if (this.used + CHILD.bytes + nameLength > SPOOL_BYTES) this.flush();
    const buf = this.buf;
    const view = this.view;
    const at = this.used;
    const compact = allocated === null;
    buf.fill(0, at, at + CHILD.bytes);
    buf.writeUInt8(TYPE_CODE.get(e.type) ?? 0, at + CHILD.type);
    buf.writeUInt8((compact ? COMPACT_FLAG : 0) | (linked ? LINK_FLAG : 0), at + CHILD.flags);
    buf.writeUInt16LE(nameLength, at + CHILD.nameLength);
    buf.writeDoubleLE(e.mtime, at + CHILD.mtime);
    writeU64(view, at + CHILD.size, size);
    writeU64(view, at + CHILD.inode, e.inode);
    if (!compact) {
      buf.writeUInt32LE(e.mode!, at + CHILD.mode);
      buf.writeUInt32LE(e.uid!, at + CHILD.uid);
      buf.writeUInt32LE(e.gid!, at + CHILD.gid);
      buf.writeUInt32LE(e.nlink!, at + CHILD.nlink);
      buf.writeDoubleLE(e.atime!, at + CHILD.atime);
      buf.writeDoubleLE(e.ctime!, at + CHILD.ctime);
      writeU64(view, at + CHILD.allocated, allocated);
      writeU64(view, at + CHILD.dev, e.dev!);
    }
    buf.set(rel.subarray(start), at + CHILD.bytes);
    this.used += CHILD.bytes + nameLength;
    this.offset += CHILD.bytes + nameLength;
  }

  write(bytes: Buffer): void {
    this.flush();
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done);
    this.offset += bytes.length;
  }

  flush(): void {
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buf, done, this.used - done);
    this.used = 0;
  }
}
