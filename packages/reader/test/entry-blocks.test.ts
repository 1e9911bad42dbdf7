// Walk.entryBlocks, the column view: every row of every block reads back the values
// written, for both formats (format 2's columns, format 1's entries), full and
// --compact, over many blocks, with values past 2^53 and 2^63, times before 1970 and
// after 2106, names that are not UTF-8; and it agrees with records() row for row, in
// file order and sorted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntryType, Syscall } from '../src/format/index.js';
import { forgeWalk } from './helpers/forged-walk.js';
import { entryBlockOf, openWalk, PathPieces, type EntryBlock, type WalkEntry } from '../src/index.js';

interface Row {
  prefix: string;
  name: Uint8Array;
  ino: number | bigint;
  parent: number;
  type: number;
  size: number | bigint;
  mtime: number;
  uid: number;
  gid: number;
  mode: number;
  nlink: number;
  blocks: number | bigint;
  dev: number | bigint;
  atime: number;
  ctime: number;
}

const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const TYPE_NAMES: Record<number, string> = { [EntryType.file]: 'file', [EntryType.dir]: 'dir', [EntryType.symlink]: 'symlink' };

/** The rows written: the root, then directories a, a/b, a/b/c and one named with bytes that are not UTF-8, 60 entries each. */
function rows(): Row[] {
  const out: Row[] = [
    {
      prefix: '',
      name: new Uint8Array(0),
      ino: 2,
      parent: 0,
      type: EntryType.dir,
      size: 4096,
      mtime: 1_700_000_000,
      uid: 0,
      gid: 0,
      mode: 0o40755,
      nlink: 5,
      blocks: 8,
      dev: 2049,
      atime: 1_700_000_001,
      ctime: 1_700_000_002,
    },
  ];
  let ino = 100;
  for (const [d, dir] of ['a', 'a/b', 'a/b/c', 'z\xff\xfe'].entries()) {
    for (let i = 0; i < 60; i++) {
      ino += i % 7 === 0 ? 2 ** 31 + i : 3;
      const mtime = i % 5 === 0 ? -86_400 * (i + 1) : i % 11 === 0 ? 5_000_000_000 + i : 1_600_000_000 + i * 97;
      out.push({
        prefix: `${dir}/`,
        name: latin1(i % 13 === 0 ? `n\xe9-${i}` : `name-${i}-${'x'.repeat(i * 3)}`),
        ino: i === 13 ? 2n ** 64n - 3n : ino,
        parent: 10 + d,
        type: i % 9 === 0 ? EntryType.dir : i % 10 === 1 ? EntryType.symlink : EntryType.file,
        size: i % 4 === 0 ? 2 ** 53 + 2 * i : i === 6 ? 2n ** 62n + 3n : i * 1000,
        mtime,
        uid: i % 6 === 0 ? 1000 + i : 1000,
        gid: i % 8 === 0 ? 4_294_967_294 : 100,
        mode: i % 9 === 0 ? 0o40700 : 0o100644,
        nlink: 1 + (i % 2),
        blocks: i % 10 === 0 ? 2n ** 60n : 8 * i,
        dev: i % 12 === 0 ? 2n ** 63n + 5n : 2049,
        atime: mtime + (i % 2 === 0 ? 3 : -2_000_000_000),
        ctime: mtime + i,
      });
    }
  }
  return out;
}

/** Writes `rows` (and one error record before each directory's) as a complete one-file walk of root /r in `format`, in blocks of 4 KiB. */
function writeWalk(out: string, format: 1 | 2, fullAttrs: boolean, list: Row[]): void {
  forgeWalk(
    out,
    (buffer) => {
      let lastPrefix = '';
      for (const r of list) {
        if (r.prefix !== lastPrefix) buffer.appendError(0, r.parent, EntryType.unknown, Syscall.lstat, 'EACCES', latin1(r.prefix), latin1('gone'));
        lastPrefix = r.prefix;
        buffer.appendFields(
          latin1(r.prefix),
          r.name,
          0,
          r.name.length,
          r.ino,
          r.parent,
          r.type,
          r.size,
          r.mtime,
          r.uid,
          r.gid,
          r.mode,
          r.nlink,
          r.blocks,
          r.dev,
          r.atime,
          r.ctime,
        );
      }
    },
    { capacity: 4096, fullAttrs, format },
  );
}

/** A number below 2^53 as a number, else the bigint: how the column view gives 64-bit values. */
function exact(v: number | bigint): number | bigint {
  const b = BigInt(v);
  return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function relative(r: Row): Buffer {
  return Buffer.concat([latin1(r.prefix), r.name]);
}

/** Row `i` of `b` as plain values, every accessor asked. */
function rowValues(b: EntryBlock, i: number): unknown[] {
  const pieces = b.pathPieces(i, new PathPieces());
  const joined = Buffer.concat([pieces.head, pieces.dir, pieces.name.subarray(pieces.nameFrom, pieces.nameTo)]);
  return [
    b.type(i),
    b.inode(i),
    b.parentInode(i),
    b.size(i),
    b.mtime(i),
    b.atime(i),
    b.ctime(i),
    b.blocks(i),
    b.allocated(i),
    b.dev(i),
    b.mode(i),
    b.uid(i),
    b.gid(i),
    b.nlink(i),
    b.depth(i),
    Buffer.from(b.relativePathBytes(i)).toString('hex'),
    Buffer.from(b.pathBytes(i)).toString('hex'),
    b.path(i),
    joined.toString('hex'),
  ];
}

/** The same values from a WalkEntry's public fields. */
function entryValues(e: WalkEntry): unknown[] {
  const n = (v: bigint | null): number | bigint | null => (v === null ? null : exact(v));
  return [
    e.type,
    n(e.inode),
    n(e.parentInode),
    n(e.size),
    e.mtimeExact,
    e.atimeExact,
    e.ctimeExact,
    n(e.blocks),
    e.blocks === null ? null : exact(e.blocks * 512n),
    n(e.dev),
    e.mode,
    e.uid,
    e.gid,
    e.nlink,
    e.depth,
    Buffer.from(e.relativePathBytes).toString('hex'),
    Buffer.from(e.pathBytes).toString('hex'),
    e.path,
    Buffer.from(e.pathBytes).toString('hex'),
  ];
}

/** What was written, as the values rowValues gives. */
function writtenValues(r: Row, fullAttrs: boolean): unknown[] {
  const rel = relative(r);
  const full = rel.length === 0 ? Buffer.from('/r') : Buffer.concat([Buffer.from('/r/'), rel]);
  const depth = rel.length === 0 ? 0 : r.prefix.split('/').length;
  const attr = <T>(v: T): T | null => (fullAttrs ? v : null);
  return [
    TYPE_NAMES[r.type],
    exact(r.ino),
    exact(rel.length === 0 ? 0 : r.parent),
    exact(r.size),
    r.mtime,
    attr(r.atime),
    attr(r.ctime),
    attr(exact(r.blocks)),
    attr(exact(BigInt(r.blocks) * 512n)),
    attr(exact(r.dev)),
    attr(r.mode),
    attr(r.uid),
    attr(r.gid),
    attr(r.nlink),
    depth,
    rel.toString('hex'),
    full.toString('hex'),
    full.toString('utf8'),
    full.toString('hex'),
  ];
}

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'pwalk-entry-blocks-'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe.each([
  [2, true],
  [2, false],
  [1, true],
  [1, false],
] as const)('Walk.entryBlocks, format %i, full attributes %s', (format, fullAttrs) => {
  const list = rows();
  let dir: string;
  beforeAll(() => {
    dir = join(base, `f${format}-${fullAttrs}`);
    writeWalk(dir, format, fullAttrs, list);
  });

  it('every row reads back what was written, over many blocks, and the error records come with their blocks', async () => {
    const walk = await openWalk(dir);
    const got: unknown[][] = [];
    let blocks = 0;
    let errors = 0;
    for await (const b of walk.entryBlocks()) {
      blocks++;
      errors += b.errors.length;
      expect(b.fullAttrs).toBe(fullAttrs);
      for (let i = 0; i < b.length; i++) got.push(rowValues(b, i));
    }
    expect(blocks).toBeGreaterThan(3);
    expect(errors).toBe(4);
    expect(got).toEqual(list.map((r) => writtenValues(r, fullAttrs)));
  });

  it('agrees with records() row for row, its entries are records() entries, and entry(i) is row i', async () => {
    const walk = await openWalk(dir);
    const fromRecords: unknown[][] = [];
    for await (const e of walk.records()) fromRecords.push(entryValues(e));
    const fromBlocks: unknown[][] = [];
    const fromEntries: unknown[][] = [];
    for await (const b of walk.entryBlocks()) {
      for (let i = 0; i < b.length; i++) {
        fromBlocks.push(rowValues(b, i));
        expect(entryValues(b.entry(i))).toEqual(rowValues(b, i));
      }
      for (const e of b.entries) fromEntries.push(entryValues(e));
    }
    expect(fromBlocks).toEqual(fromRecords);
    expect(fromEntries).toEqual(fromRecords);
  });

  it("sorted by path, as records({ sort: 'path' }), with no error records", async () => {
    const walk = await openWalk(dir);
    const sorted: unknown[][] = [];
    for await (const e of walk.records({ sort: 'path' })) sorted.push(entryValues(e));
    const got: unknown[][] = [];
    for await (const b of walk.entryBlocks({ sort: 'path' })) {
      expect(b.errors).toEqual([]);
      for (let i = 0; i < b.length; i++) got.push(rowValues(b, i));
    }
    expect(got).toEqual(sorted);
    expect(got.map((v) => v[15])).toEqual(
      list
        .map((r) => relative(r))
        .sort((a, b) => Buffer.compare(a, b))
        .map((p) => p.toString('hex')),
    );
  });
});

describe('entryBlockOf', () => {
  it("a script's own entries read as a block, row i being entry i", async () => {
    const dir = join(base, 'of');
    writeWalk(dir, 2, true, rows());
    const entries: WalkEntry[] = [];
    for await (const e of (await openWalk(dir)).records()) entries.push(e);
    const block = entryBlockOf(entries);
    expect(block.length).toBe(entries.length);
    expect(block.fullAttrs).toBe(true);
    expect(Array.from({ length: block.length }, (_, i) => rowValues(block, i))).toEqual(entries.map(entryValues));
  });
});
