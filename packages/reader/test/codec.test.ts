import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BigIntStats } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntryType, Syscall, FILE_HEADER_SIZE, BLOCK_HEADER_SIZE } from '../src/format/index.js';
import { openWalk, WalkFormatError, WalkErrorCode, type WalkEntry } from '../src/index.js';
import { floorSecondsFromMs, floorDivNs } from '../src/format/time.js';
import { bigStats, forgeWalk, type ForgedRecords } from './helpers/forged-walk.js';

interface Case {
  name: string;
  stats: BigIntStats;
  expect: Partial<Record<keyof WalkEntry, unknown>>;
}

const CASES: Case[] = [
  { name: 'small', stats: bigStats({ ino: 42n, size: 5n, mtimeNs: 1_700_000_000_123_456_789n }), expect: { inode: 42n, size: 5n, mtime: 1_700_000_000 } },
  { name: 'size past 4 GiB', stats: bigStats({ size: 6n * 2n ** 30n }), expect: { size: 6n * 2n ** 30n } },
  { name: 'size exactly the u32 sentinel', stats: bigStats({ size: 0xffffffffn }), expect: { size: 0xffffffffn } },
  { name: 'size past 2^53', stats: bigStats({ size: 2n ** 62n + 3n }), expect: { size: 2n ** 62n + 3n } },
  { name: 'inode past 2^63', stats: bigStats({ ino: 2n ** 64n - 1n }), expect: { inode: 2n ** 64n - 1n } },
  { name: 'mtime before 1970', stats: bigStats({ mtimeNs: -1n }), expect: { mtime: -1 } },
  { name: 'mtime far before 1970', stats: bigStats({ mtimeNs: -315_360_000_000_000_001n }), expect: { mtime: -315_360_001 } },
  { name: 'mtime after 2106', stats: bigStats({ mtimeNs: 5_000_000_000_999_999_999n }), expect: { mtime: 5_000_000_000 } },
  { name: 'atime and ctime negative', stats: bigStats({ atimeNs: -2_000_000_000n, ctimeNs: -1_500_000_000n }), expect: { atime: -2, ctime: -2 } },
  { name: 'dev and blocks 64-bit', stats: bigStats({ dev: 2n ** 63n + 5n, blocks: 2n ** 60n }), expect: { dev: 2n ** 63n + 5n, blocks: 2n ** 60n } },
  {
    name: 'uid/gid 32-bit',
    stats: bigStats({ uid: 4_294_967_294n, gid: 4_000_000_000n, nlink: 70_000n }),
    expect: { uid: 4_294_967_294, gid: 4_000_000_000, nlink: 70_000 },
  },
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pwalk-codec-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a one-file walk folder from a callback that appends records. */
function makeWalk(name: string, fill: (rb: ForgedRecords) => void, opts: { capacity?: number; fullAttrs?: boolean } = {}): string {
  return forgeWalk(join(dir, name), fill, opts);
}
function freshDir(p: string): void {
  rmSync(p, { recursive: true, force: true });
  mkdirSync(p, { recursive: true });
}

async function all(out: string): Promise<WalkEntry[]> {
  const walk = await openWalk(out);
  const got: WalkEntry[] = [];
  for await (const e of walk.records()) got.push(e);
  return got;
}

describe('record codec round trip', () => {
  it.each(CASES)('$name', async (c) => {
    const out = makeWalk(`case-${c.name.replace(/\W/g, '_')}`, (rb) => rb.appendBigStats(c.stats, EntryType.file, 7n, Buffer.from('d/'), 'f'));
    const [e] = await all(out);
    expect(e).toBeDefined();
    for (const [k, v] of Object.entries(c.expect)) expect(e![k as keyof WalkEntry], k).toEqual(v);
    expect(e!.path).toBe('/r/d/f');
    expect(e!.parentInode).toBe(7n);
    expect(e!.depth).toBe(2);
  });

  it('keeps non-UTF-8 name bytes and paths past 64 KiB', async () => {
    const bad = Buffer.from([0x66, 0xff, 0xfe, 0x80, 0x0a]);
    const long = Buffer.alloc(70_000, 0x61);
    const out = makeWalk('bytes', (rb) => {
      rb.appendBigStats(bigStats({}), EntryType.file, 1n, Buffer.from('x/'), bad);
      rb.appendBigStats(bigStats({}), EntryType.dir, 1n, Buffer.concat([long, Buffer.from('/')]), 'leaf');
    });
    const [a, b] = await all(out);
    expect(Buffer.from(a!.relativePathBytes)).toEqual(Buffer.concat([Buffer.from('x/'), bad]));
    expect(Buffer.from(a!.pathBytes)).toEqual(Buffer.concat([Buffer.from('/r/x/'), bad]));
    expect(b!.relativePathBytes.length).toBe(70_005);
  });

  it('compact walks read null for the attributes they lack', async () => {
    const out = makeWalk('compact', (rb) => rb.appendBigStats(bigStats({ size: 9n, uid: 5n }), EntryType.file, 1n, Buffer.alloc(0), 'f'), { fullAttrs: false });
    const [e] = await all(out);
    expect(e!.size).toBe(9n);
    expect(e!.uid).toBeNull();
    expect(e!.dev).toBeNull();
    expect(e!.atime).toBeNull();
  });

  it('error records come back from errors(), not records()', async () => {
    const out = makeWalk('errors', (rb) => {
      rb.appendError(0, 3n, EntryType.unknown, Syscall.lstat, 'ENOENT', Buffer.from('a/'), 'gone');
      rb.appendBigStats(bigStats({}), EntryType.file, 3n, Buffer.from('a/'), 'here');
    });
    const walk = await openWalk(out);
    const errs = [];
    for await (const e of walk.errors()) errs.push(e);
    expect(errs.map((e) => [e.path, e.syscall, e.code, e.parentInode])).toEqual([['/r/a/gone', 'lstat', 'ENOENT', 3n]]);
    expect((await all(out)).map((e) => e.path)).toEqual(['/r/a/here']);
  });

  it('spans many blocks and sorts by path bytes with spilled runs', async () => {
    const names = Array.from({ length: 5000 }, (_, i) => `n${(i * 7919) % 5000}`);
    const out = makeWalk(
      'many',
      (rb) => {
        for (const n of names) rb.appendBigStats(bigStats({ ino: BigInt(n.length) }), EntryType.file, 1n, Buffer.alloc(0), n);
      },
      { capacity: 4096 },
    );
    const walk = await openWalk(out);
    const sorted: string[] = [];
    for await (const e of walk.records({ sort: 'path', sortMemoryRecords: 300, tempDir: dir })) sorted.push(e.path);
    expect(sorted).toEqual([...names].map((n) => `/r/${n}`).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });
});

describe('exact seconds', () => {
  it('floors milliseconds, also before 1970 and at rounding edges', () => {
    expect(floorSecondsFromMs(1500)).toBe(1);
    expect(floorSecondsFromMs(-1)).toBe(-1);
    expect(floorSecondsFromMs(-1000)).toBe(-1);
    expect(floorSecondsFromMs(-1001)).toBe(-2);
    expect(floorSecondsFromMs(1_700_000_000_999.9998)).toBe(1_700_000_000);
    expect(floorDivNs(-1n)).toBe(-1n);
    expect(floorDivNs(-1_000_000_000n)).toBe(-1n);
    expect(floorDivNs(1_999_999_999n)).toBe(1n);
  });
});

describe('damaged walks', () => {
  let good: string;
  let bytes: Buffer;
  let total: number;
  beforeAll(async () => {
    good = makeWalk(
      'good',
      (rb) => {
        for (let i = 0; i < 60; i++) rb.appendBigStats(bigStats({ ino: BigInt(i) }), EntryType.file, 1n, Buffer.from('d/'), `file-${i}`);
      },
      { capacity: 1024 },
    );
    bytes = readFileSync(join(good, 'thread_0.bin'));
    total = (await all(good)).length;
    expect(total).toBe(60);
  });

  it('a flipped byte in a block is caught by its checksum, never decoded', async () => {
    const out = join(dir, 'flipped');
    freshDir(out);
    writeFileSync(join(out, 'manifest.msgpack'), readFileSync(join(good, 'manifest.msgpack')));
    const bad = Buffer.from(bytes);
    bad[FILE_HEADER_SIZE + BLOCK_HEADER_SIZE + 40]! ^= 0x10;
    writeFileSync(join(out, 'thread_0.bin'), bad);
    await expect(all(out)).rejects.toMatchObject({ code: WalkErrorCode.CORRUPT_BLOCK, offset: FILE_HEADER_SIZE });
    const walk = await openWalk(out);
    let n = 0;
    for await (const _ of walk.records({ onCorrupt: 'skip' })) n++;
    expect(n).toBeGreaterThan(40);
    expect(n).toBeLessThan(60);
    expect(walk.problems.map((p) => p.code)).toEqual([WalkErrorCode.CORRUPT_BLOCK]);
  });

  it('a file cut at any byte yields only whole records, in order, and says it is truncated', async () => {
    const out = join(dir, 'cut');
    freshDir(out);
    const rel = (e: WalkEntry): string => Buffer.from(e.relativePathBytes).toString();
    const expected = (await all(good)).map(rel);
    // A cut exactly between blocks leaves a shorter, valid file: only the missing manifest tells.
    const boundaries = new Set<number>();
    for (let off = FILE_HEADER_SIZE; off < bytes.length; off += BLOCK_HEADER_SIZE + bytes.readUInt32LE(off + 4)) boundaries.add(off);
    expect(boundaries.size).toBeGreaterThan(3);
    for (let cut = FILE_HEADER_SIZE; cut < bytes.length; cut += 1) {
      writeFileSync(join(out, 'thread_0.bin'), bytes.subarray(0, cut));
      const walk = await openWalk(out);
      expect(walk.status).toBe('incomplete');
      const got: string[] = [];
      for await (const e of walk.records()) got.push(rel(e));
      expect(got).toEqual(expected.slice(0, got.length));
      if (!boundaries.has(cut)) expect(walk.problems.map((p) => p.code)).toEqual([WalkErrorCode.TRUNCATED]);
    }
  });

  it('a complete walk whose file is short raises TRUNCATED after yielding what it has', async () => {
    const out = join(dir, 'short-complete');
    freshDir(out);
    writeFileSync(join(out, 'manifest.msgpack'), readFileSync(join(good, 'manifest.msgpack')));
    writeFileSync(join(out, 'thread_0.bin'), bytes.subarray(0, bytes.length - 5));
    const err = await all(out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WalkFormatError);
    expect((err as WalkFormatError).code).toBe(WalkErrorCode.TRUNCATED);
  });

  it('wrong magic, future version, short header, bad manifest and a non-walk folder are typed errors', async () => {
    const out = join(dir, 'headers');
    const cases: [string, (b: Buffer) => Buffer, string][] = [
      [
        'magic',
        (b) => {
          const c = Buffer.from(b);
          c[0] = 0x58;
          return c;
        },
        WalkErrorCode.BAD_HEADER,
      ],
      [
        'version',
        (b) => {
          const c = Buffer.from(b);
          c.writeUInt16LE(99, 8);
          return c;
        },
        WalkErrorCode.UNSUPPORTED_VERSION,
      ],
      ['short', (b) => b.subarray(0, 10), WalkErrorCode.BAD_HEADER],
      ['empty', () => Buffer.alloc(0), WalkErrorCode.BAD_HEADER],
    ];
    for (const [name, mutate, code] of cases) {
      freshDir(out);
      writeFileSync(join(out, 'thread_0.bin'), mutate(bytes));
      await expect(openWalk(out), name).rejects.toMatchObject({ code });
    }
    freshDir(out);
    writeFileSync(join(out, 'manifest.msgpack'), Buffer.from([0x81, 0xa1, 0x78, 0x01]));
    await expect(openWalk(out)).rejects.toMatchObject({ code: WalkErrorCode.BAD_MANIFEST });
    writeFileSync(join(out, 'manifest.msgpack'), Buffer.from([0xc1]));
    await expect(openWalk(out)).rejects.toMatchObject({ code: WalkErrorCode.BAD_MANIFEST });
    freshDir(out);
    writeFileSync(join(out, 'notes.txt'), 'hello');
    await expect(openWalk(out)).rejects.toMatchObject({ code: WalkErrorCode.NOT_A_WALK });
    await expect(openWalk(join(dir, 'missing'))).rejects.toMatchObject({ code: WalkErrorCode.NOT_A_WALK });
  });
});
