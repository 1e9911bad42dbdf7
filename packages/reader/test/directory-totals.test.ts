// directoryTotals on forged walks, against a reference computed here the slow, plain
// way (every directory's recursive figures summed over the entries under its path
// prefix, in BigInt): byte sums past 2^53 (sizes up to 2^64 - 1, st_blocks x 512 past
// 2^53), a directory's entries not one after another, two mounted filesystems whose
// roots share inode 2 with their entries interleaved, hard links, names that are not
// UTF-8, records across many blocks, and a --compact walk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntryType } from '../src/format/index.js';
import { directoryTotals, openWalk } from '../src/index.js';
import { bigStats, forgeWalk } from './helpers/forged-walk.js';

interface Forged {
  path: Buffer;
  type: 'dir' | 'file' | 'symlink';
  ino: bigint;
  dev: bigint;
  size: bigint;
  blocks: bigint;
  nlink: bigint;
}

const MAX_U64 = 2n ** 64n - 1n;
let n = 100n;
function entry(path: string | Buffer, type: Forged['type'], over: Partial<Forged> = {}): Forged {
  return { path: Buffer.isBuffer(path) ? path : Buffer.from(path, 'latin1'), type, ino: n++, dev: 1n, size: 0n, blocks: 0n, nlink: 1n, ...over };
}

/** In file order: directories first, then their entries interleaved across directories. */
function forgedEntries(): Forged[] {
  const big = 2n ** 53n - 1n;
  const nonUtf8 = Buffer.concat([Buffer.from('d/'), Buffer.from([0xff, 0xfe]), Buffer.from('.bin')]);
  const list: Forged[] = [
    entry('', 'dir', { ino: 2n, size: 4096n, blocks: 8n }),
    entry('d', 'dir', { size: 4096n, blocks: 8n }),
    entry('d/e', 'dir', { size: 4096n, blocks: 8n }),
    entry('m1', 'dir', { ino: 2n, dev: 5n, size: 10n, blocks: 1n }),
    entry('m2', 'dir', { ino: 2n, dev: 6n, size: 20n, blocks: 2n }),
    entry('d.x', 'dir', { size: 1n }),
  ];
  for (let i = 0; i < 40; i++) {
    list.push(entry(`d/f${i}`, 'file', { size: big - BigInt(i), blocks: 2n ** 43n - 1n }));
    list.push(entry(`d/e/g${i}`, 'file', { size: big, blocks: 2n ** 44n }));
    list.push(entry(`m1/x${i}`, 'file', { dev: 5n, size: BigInt(i) * 1000n, blocks: BigInt(i) }));
    list.push(entry(`m2/x${i}`, 'file', { dev: 6n, size: big, blocks: 3n }));
    list.push(entry(`m1/x${i}`.replace('x', 'l'), 'symlink', { dev: 5n, size: 7n }));
  }
  list.push(entry('d/huge', 'file', { size: MAX_U64, blocks: MAX_U64 }));
  list.push(entry(nonUtf8, 'file', { size: 2n ** 40n, blocks: 9n }));
  // One inode, three links in three directories: the smallest path ('d.x/h' < 'd/e/h' < 'm1/h') is credited.
  for (const p of ['m1/h', 'd/e/h', 'd.x/h'])
    list.push(entry(p, 'file', { ino: 9999n, dev: p.startsWith('m1') ? 5n : 1n, size: 2n ** 52n, blocks: 2n ** 43n, nlink: 3n }));
  list.push(entry('d/e/h2', 'file', { ino: 7777n, size: 5n, blocks: 1n, nlink: 2n }));
  list.push(entry('d/h2', 'file', { ino: 7777n, size: 5n, blocks: 1n, nlink: 2n }));
  return list;
}

function parentOf(path: Buffer): Buffer {
  const slash = path.lastIndexOf(0x2f);
  return slash < 0 ? Buffer.alloc(0) : path.subarray(0, slash);
}

function isUnder(path: Buffer, dir: Buffer): boolean {
  if (dir.length === 0) return true;
  return path.equals(dir) || (path.length > dir.length && path[dir.length] === 0x2f && path.subarray(0, dir.length).equals(dir));
}

/** The plain answer: sums over path prefixes, each hard-linked inode at its smallest path only. */
function reference(entries: Forged[], compact: boolean) {
  const winner = new Map<string, Forged>();
  if (!compact) {
    for (const e of entries) {
      if (e.type === 'dir' || e.nlink < 2n) continue;
      const id = `${e.dev}:${e.ino}`;
      const held = winner.get(id);
      if (held === undefined || Buffer.compare(e.path, held.path) < 0) winner.set(id, e);
    }
  }
  const counted = entries.filter((e) => compact || e.type === 'dir' || e.nlink < 2n || winner.get(`${e.dev}:${e.ino}`) === e);
  const sum = (xs: Forged[], f: (e: Forged) => bigint): bigint => xs.reduce((s, e) => s + f(e), 0n);
  return entries
    .filter((d) => d.type === 'dir')
    .sort((a, b) => Buffer.compare(a.path, b.path))
    .map((d) => {
      const under = counted.filter((e) => isUnder(e.path, d.path));
      const direct = entries.filter((e) => e.path.length > 0 && parentOf(e.path).equals(d.path));
      return {
        relativePathBytes: d.path.toString('hex'),
        depth: d.path.length === 0 ? 0 : d.path.toString('latin1').split('/').length,
        inode: d.ino,
        dev: compact ? null : d.dev,
        directEntries: direct.length,
        directFiles: direct.filter((e) => e.type === 'file').length,
        directDirs: direct.filter((e) => e.type === 'dir').length,
        directBytes: sum(direct, (e) => e.size),
        entries: under.length,
        files: under.filter((e) => e.type === 'file').length,
        dirs: under.filter((e) => e.type === 'dir').length,
        apparentBytes: sum(under, (e) => e.size),
        allocatedBytes: compact ? null : sum(under, (e) => e.blocks * 512n),
      };
    });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pwalk-dirtotals-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('directoryTotals', () => {
  for (const [compact, format] of [
    [false, 1],
    [true, 1],
    [false, 2],
    [true, 2],
  ] as const) {
    it(`is exact past 2^53 and places every entry by its path bytes${compact ? ' (--compact walk)' : ''}, format ${format}`, async () => {
      const entries = forgedEntries();
      // Each record under its directory's real inode: in format 2 the headers of '', m1 and m2 share inode 2.
      const inodes = new Map(entries.filter((e) => e.type === 'dir').map((e) => [e.path.toString('latin1'), e.ino]));
      const out = forgeWalk(
        join(dir, `${compact ? 'compact' : 'full'}-${format}`),
        (rb) => {
          for (const e of entries) {
            const parent = parentOf(e.path);
            const prefix = parent.length === 0 ? parent : Buffer.concat([parent, Buffer.from('/')]);
            const name = e.path.subarray(parent.length === 0 ? 0 : parent.length + 1);
            const stats = bigStats({ ino: e.ino, dev: e.dev, size: e.size, blocks: e.blocks, nlink: e.nlink });
            rb.appendBigStats(stats, EntryType[e.type], inodes.get(parent.toString('latin1'))!, prefix, name);
          }
        },
        // Small blocks: a directory's cached parent spans block boundaries.
        { capacity: 2048, fullAttrs: !compact, format },
      );
      const got = (await directoryTotals(await openWalk(out))).map((t) => ({
        relativePathBytes: Buffer.from(t.relativePathBytes).toString('hex'),
        depth: t.depth,
        inode: t.inode,
        dev: t.dev,
        directEntries: t.directEntries,
        directFiles: t.directFiles,
        directDirs: t.directDirs,
        directBytes: t.directBytes,
        entries: t.entries,
        files: t.files,
        dirs: t.dirs,
        apparentBytes: t.apparentBytes,
        allocatedBytes: t.allocatedBytes,
      }));
      const want = reference(entries, compact);
      expect(got).toEqual(want);
      // The test means something: sums past 2^53 where a double would have rounded.
      const root = want[0]!;
      expect(root.apparentBytes > 2n ** 64n).toBe(true);
      expect(want.find((t) => t.relativePathBytes === Buffer.from('d/e').toString('hex'))!.directBytes > 2n ** 53n).toBe(true);
    });
  }
});
