// records({ sort: 'path' }) on a forged walk with names of any byte but '/' and NUL,
// against a plain sort of the same paths with Buffer.compare: every run size from one
// entry per run (thousands of runs) to all in memory gives the same order and the same
// entries, field for field; a consumer that stops early leaves no run files behind.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntryType } from '../src/format/index.js';
import { openWalk, type WalkEntry } from '../src/index.js';
import { bigStats, forgeWalk } from './helpers/forged-walk.js';

/** A small seeded generator, so a failure repeats. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const FIELDS = ['type', 'size', 'mtime', 'inode', 'parentInode', 'depth', 'blocks', 'mode', 'uid', 'gid', 'nlink', 'dev', 'atime', 'ctime'] as const;
const facts = (e: WalkEntry): string => `${Buffer.from(e.relativePathBytes).toString('hex')} ${FIELDS.map((f) => String(e[f])).join(',')}`;

let dir: string;
let walkDir: string;
let paths: Buffer[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pwalk-sort-test-'));
  const next = random(5);
  // '.' and '..' are no names (a reader refuses them as leaving the walk): one more byte makes them one.
  const name = (): Buffer => {
    const n = Buffer.from(Array.from({ length: 1 + Math.floor(next() * 6) }, () => [0x61, 0x62, 0x2e, 0x7f, 0x80, 0xff, 0x01][Math.floor(next() * 7)]!));
    return n.every((b) => b === 0x2e) && n.length <= 2 ? Buffer.concat([n, Buffer.from('a')]) : n;
  };
  const dirs: Buffer[] = [Buffer.alloc(0)];
  const seen = new Set<string>(['']);
  paths = [Buffer.alloc(0)];
  const entries: { path: Buffer; type: number; i: number }[] = [{ path: Buffer.alloc(0), type: EntryType.dir, i: 0 }];
  for (let i = 1; i < 3000; i++) {
    const parent = dirs[Math.floor(next() * dirs.length)]!;
    const path = parent.length === 0 ? name() : Buffer.concat([parent, Buffer.from('/'), name()]);
    if (seen.has(path.toString('hex'))) continue;
    seen.add(path.toString('hex'));
    const isDir = next() < 0.2;
    if (isDir) dirs.push(path);
    paths.push(path);
    entries.push({ path, type: isDir ? EntryType.dir : EntryType.file, i });
  }
  walkDir = forgeWalk(
    join(dir, 'walk'),
    (rb) => {
      for (const e of entries) {
        const size = e.i % 5 === 0 ? 2n ** 60n + BigInt(e.i) : BigInt(e.i);
        const stats = bigStats({ ino: BigInt(e.i) + 10n, size, blocks: BigInt(e.i), dev: 2n ** 63n + BigInt(e.i), mtimeNs: BigInt(e.i - 1500) * 10n ** 9n });
        rb.appendBigStats(stats, e.type, 1n, Buffer.alloc(0), e.path);
      }
    },
    { capacity: 4096 },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("records({ sort: 'path' })", () => {
  it('gives byte order of the paths and every entry unchanged, for any run size', async () => {
    const walk = await openWalk(walkDir);
    const unsorted: WalkEntry[] = [];
    for await (const e of walk.records()) unsorted.push(e);
    const want = [...unsorted].sort((a, b) => Buffer.compare(a.relativePathBytes, b.relativePathBytes)).map(facts);
    expect(want.length).toBe(paths.length);
    for (const sortMemoryRecords of [1, 7, 999, 1_000_000]) {
      const tempDir = mkdtempSync(join(dir, 'runs-'));
      const got: string[] = [];
      for await (const e of walk.records({ sort: 'path', sortMemoryRecords, tempDir })) got.push(facts(e));
      expect(got, `sortMemoryRecords ${sortMemoryRecords}`).toEqual(want);
      expect(readdirSync(tempDir)).toEqual([]);
    }
  });

  it('a consumer that stops early leaves no run files behind', async () => {
    const walk = await openWalk(walkDir);
    const tempDir = mkdtempSync(join(dir, 'early-'));
    const first: string[] = [];
    for await (const e of walk.records({ sort: 'path', sortMemoryRecords: 100, tempDir })) {
      first.push(Buffer.from(e.relativePathBytes).toString('hex'));
      if (first.length === 10) break;
    }
    expect(first).toEqual(
      [...paths]
        .sort((a, b) => Buffer.compare(a, b))
        .slice(0, 10)
        .map((p) => p.toString('hex')),
    );
    expect(readdirSync(tempDir)).toEqual([]);
  });
});
