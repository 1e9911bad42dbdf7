// The parts of usageSummary, each against an independent answer: the bounded heap
// against a full sort, ByteSum against BigInt arithmetic, age buckets against exact
// integer arithmetic on milliseconds, the extension rule against the Python
// implementation in test/helpers/usage_truth.py, owner names against Python's
// pwd/grp modules, topDirectories against a full sort.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGE_BUCKETS, ageBucketIndex } from '../src/analysis/age-buckets.js';
import { BoundedHeap } from '../src/analysis/bounded-heap.js';
import type { DirectoryTotal } from '../src/analysis/directory-totals.js';
import { extensionKey, extensionName } from '../src/analysis/extension.js';
import { resolveOwnerNames } from '../src/analysis/owner-names.js';
import { topDirectories } from '../src/analysis/top-directories.js';
import type { WalkEntry } from '../src/sdk/record.js';
import { RootPath } from '../src/sdk/root-path.js';
import { UsageAccumulator } from '../src/analysis/usage-accumulator.js';
import { ByteSum } from '../src/analysis/byte-sum.js';

const TRUTH = join(import.meta.dirname, '../../../test/helpers/usage_truth.py');

/** A small seeded generator, so a failure repeats. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

describe('BoundedHeap', () => {
  it('keeps the same items as a full sort, ties included, for any capacity', () => {
    const next = random(7);
    const items = Array.from({ length: 2000 }, (_, i) => ({ score: Math.floor(next() * 50), name: `n${i}` }));
    const ahead = (a: (typeof items)[0], b: (typeof items)[0]): boolean => a.score > b.score || (a.score === b.score && a.name < b.name);
    const sorted = [...items].sort((a, b) => (ahead(a, b) ? -1 : 1));
    for (const capacity of [0, 1, 2, 17, 1999, 2000, 5000]) {
      const heap = new BoundedHeap(capacity, ahead);
      for (const item of items) heap.offer(item);
      expect(heap.ranked(), `capacity ${capacity}`).toEqual(sorted.slice(0, capacity));
    }
  });
});

describe('ByteSum', () => {
  it('is exact past 2^53, with numbers, bigints and subtractions mixed', () => {
    const next = random(11);
    const sum = new ByteSum();
    let exact = 0n;
    for (let i = 0; i < 5000; i++) {
      const n = Math.floor(next() * Number.MAX_SAFE_INTEGER);
      if (i % 7 === 0) {
        sum.subtract(n);
        exact -= BigInt(n);
      } else if (i % 11 === 0) {
        const big = 2n ** 63n + BigInt(i);
        sum.add(big);
        exact += big;
      } else {
        sum.add(n);
        exact += BigInt(n);
      }
      if (i % 500 === 0) expect(sum.value()).toBe(exact);
    }
    expect(sum.value()).toBe(exact);
    expect(exact > 2n ** 64n).toBe(true);
  });

  it('switches to a bigint exactly where a double stops being exact: sums landing on 2^53 - 2 .. 2^53 + 2, both signs', () => {
    const limit = 2n ** 53n;
    for (const sign of [1n, -1n]) {
      for (let target = limit - 2n; target <= limit + 2n; target++) {
        for (const first of [limit - 1n, limit - 2n, target / 2n, 1n]) {
          const second = target - first;
          if (second > limit - 1n || second < 0n) continue;
          const sum = new ByteSum();
          sum.add(Number(sign * first));
          sum.add(Number(sign * second));
          expect(sum.value(), `${sign * first} + ${sign * second}`).toBe(sign * target);
          // One more past the boundary, and back below it.
          sum.add(Number(sign));
          sum.subtract(Number(sign * 3n));
          expect(sum.value(), `${sign * target} + ${sign} - ${sign * 3n}`).toBe(sign * (target - 2n));
        }
      }
    }
  });
});

describe('ByteSum.addSum and amount (the roll-ups and rankings of many directories)', () => {
  it('adds sums exactly on both sides of 2^53, and gives a number exactly while the sum is below it', () => {
    const next = random(12);
    const total = new ByteSum();
    let exact = 0n;
    for (let i = 0; i < 2000; i++) {
      const part = new ByteSum();
      let partExact = 0n;
      for (let j = 0; j < 3; j++) {
        const n = i % 13 === 0 ? 2n ** 60n + BigInt(j) : BigInt(Math.floor(next() * 2 ** 50));
        if (i % 5 === 0) {
          part.subtract(n > BigInt(Number.MAX_SAFE_INTEGER) ? n : Number(n));
          partExact -= n;
        } else {
          part.add(n > BigInt(Number.MAX_SAFE_INTEGER) ? n : Number(n));
          partExact += n;
        }
      }
      const amount = part.amount();
      expect(BigInt(amount)).toBe(partExact);
      // Parts of numbers below 2^50 stay numbers; a part that took a bigint keeps one.
      expect(typeof amount).toBe(i % 13 === 0 ? 'bigint' : 'number');
      total.addSum(part);
      exact += partExact;
      expect(total.value()).toBe(exact);
    }
  });
});

describe('UsageAccumulator', () => {
  /** Just the fields the accumulator reads: a regular file, not hard-linked. */
  const file = (name: string, size: bigint, blocks: bigint | null) =>
    ({
      type: 'file',
      size,
      blocks,
      relativePathBytes: Buffer.from(name),
      pathBytes: Buffer.from(`/r/${name}`),
      path: `/r/${name}`,
      depth: 1,
      mtime: 0,
      atime: blocks === null ? null : 0,
      uid: blocks === null ? null : 0,
      gid: blocks === null ? null : 0,
      nlink: blocks === null ? null : 1,
      dev: 1n,
      inode: 1n,
    }) as unknown as WalkEntry;

  it('carries sizes and st_blocks x 512 at and past 2^53 exactly into every tally', () => {
    const sizes = [2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 1n, 2n ** 64n - 1n];
    const maxBlocks = (2n ** 53n - 1n) / 512n;
    const blocks = [maxBlocks, maxBlocks + 1n, 1n, 2n ** 63n, 0n];
    const acc = new UsageAccumulator(ageBucketIndex(0), 2);
    sizes.forEach((size, i) => acc.add(file(`f${i}.bin`, size, blocks[i]!)));
    const apparent = sizes.reduce((s, v) => s + v, 0n);
    const allocated = blocks.reduce((s, v) => s + v * 512n, 0n);
    for (const tally of [acc.totals, acc.extensions.get('bin')!, acc.depths[1]!, acc.users.get(0)!.tally]) {
      expect(tally.toTally(false)).toMatchObject({ entries: 5, files: 5, apparentBytes: apparent, allocatedBytes: allocated });
    }
    expect(acc.finish(new RootPath(Buffer.from('/r'))).map((f) => f.size)).toEqual([2n ** 64n - 1n, 2n ** 53n + 1n]);
  });
});

describe('age buckets', () => {
  const DAY = 86_400;
  const limits = [0, 30 * DAY, 90 * DAY, 365 * DAY, 1095 * DAY];
  /** The documented rule in integer milliseconds: age_ms = start - 1000 t; bucket k holds limits[k-1] <= age < limits[k]. */
  const expected = (startMs: number, t: number): number => {
    const age = BigInt(startMs) - 1000n * BigInt(t);
    if (age < 0n) return 0;
    const k = limits.findIndex((l) => age < 1000n * BigInt(l));
    return k < 0 ? 5 : k;
  };

  it('puts every time on the documented side of each boundary, whole-second and fractional starts', () => {
    for (const startMs of [1_763_800_000_000, 1_763_800_000_999, 1_763_800_000_001, 0, 86_400_500]) {
      const bucketOf = ageBucketIndex(startMs);
      const start = Math.floor(startMs / 1000);
      for (const limit of limits) {
        for (const d of [-2, -1, 0, 1, 2]) {
          const t = start - limit + d;
          expect(bucketOf(t), `start ${startMs} t ${t}`).toBe(expected(startMs, t));
        }
      }
      for (const t of [-(2 ** 40), -1, 0, 5_000_000_000, 2 ** 45]) expect(bucketOf(t), `t ${t}`).toBe(expected(startMs, t));
    }
    const at = ageBucketIndex(1_000_000_000_000);
    expect(AGE_BUCKETS[at(1_000_000_000)]!.label).toBe('< 30 d');
    expect(AGE_BUCKETS[at(1_000_000_001)]!.bucket).toBe('future');
    expect(AGE_BUCKETS[at(1_000_000_000 - 30 * DAY)]!.bucket).toBe('30to90d');
    expect(AGE_BUCKETS[at(1_000_000_000 - 30 * DAY + 1)]!.bucket).toBe('lt30d');
    expect(AGE_BUCKETS[at(1_000_000_000 - 1095 * DAY)]!.bucket).toBe('gt3y');
  });
});

describe('extensions', () => {
  const names: Buffer[] = [
    'a.txt',
    'A.TXT',
    'photo.JpG',
    'archive.tar.gz',
    'ARCHIVE.TAR.GZ',
    '.tar.gz',
    'x.tar',
    'x.tar.',
    '.bashrc',
    '.config.json',
    'noext',
    'trailing.',
    '...',
    '..a',
    'a..b',
    'a.b.c',
    'tar.gz',
    'footar.gz',
    'a.Tar.Bz2',
    'dir.d/file',
    'dir.d/.hidden',
    'd/x.y.tar.zst',
  ].map((n) => Buffer.from(n));
  names.push(
    Buffer.from('caf\xe9.\xe9t\xe9', 'latin1'),
    Buffer.from('x\xff.DAT', 'latin1'),
    Buffer.from('y.\xffZ', 'latin1'),
    Buffer.from('r\u00e9sum\u00e9.\u00c9T\u00c9'),
  );

  it('follow the documented rule, as the Python ground truth computes it', () => {
    const truth = execFileSync(
      'python3',
      [
        '-c',
        `import sys,json,importlib.util as u
s=u.spec_from_file_location('t',sys.argv[1]);m=u.module_from_spec(s);s.loader.exec_module(m)
print(json.dumps([(m.extension(bytes.fromhex(h).rsplit(b'/',1)[-1]) or b'').hex() for h in sys.argv[2:]]))`,
        TRUTH,
        ...names.map((n) => n.toString('hex')),
      ],
      { encoding: 'utf8' },
    );
    const ours = names.map((n) => Buffer.from(extensionKey(n), 'latin1').toString('hex'));
    expect(ours).toEqual(JSON.parse(truth));
    expect(extensionKey(Buffer.from('archive.tar.gz'))).toBe('tar.gz');
    expect(extensionKey(Buffer.from('.bashrc'))).toBe('');
  });

  it('keys UTF-8 extensions by their text and others by their hex, labels escape bad bytes', () => {
    expect(extensionName('jpg')).toMatchObject({ key: 'jpg', label: 'jpg' });
    expect(extensionName('')).toMatchObject({ key: '', label: '(none)' });
    expect(extensionName(Buffer.from('\u00e9t\u00e9').toString('latin1'))).toMatchObject({ key: '\u00e9t\u00e9', label: '\u00e9t\u00e9' });
    const odd = extensionName('\xe9t\xe9');
    expect(odd.key).toBe('/hex:e974e9');
    expect(odd.label).toBe('\\xe9t\\xe9');
    expect(Buffer.from(odd.bytes).toString('hex')).toBe('e974e9');
  });
});

describe('owner names', () => {
  it('match Python pwd/grp for every listed id, and fall back to the number', async () => {
    const truth = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          `import pwd,grp,json
def name(f,i):
  try: return f(i)[0]
  except KeyError: return str(i)
ids=sorted({p.pw_uid for p in pwd.getpwall()}|{0,65534,4294967294,123456})
gids=sorted({g.gr_gid for g in grp.getgrall()}|{0,65534,4294967294,123456})
print(json.dumps({'users':{i:name(pwd.getpwuid,i) for i in ids},'groups':{i:name(grp.getgrgid,i) for i in gids}}))`,
        ],
        { encoding: 'utf8' },
      ),
    ) as { users: Record<string, string>; groups: Record<string, string> };
    const names = await resolveOwnerNames();
    for (const [id, name] of Object.entries(truth.users)) expect(names.user(Number(id)), `uid ${id}`).toBe(name);
    for (const [id, name] of Object.entries(truth.groups)) expect(names.group(Number(id)), `gid ${id}`).toBe(name);
    expect(names.user(123456)).toBe('123456');
    expect(names.user(65534)).toBe('nobody');
  });
});

describe('topDirectories', () => {
  it('ranks like a full sort by each measure, ties in path byte order', () => {
    const next = random(3);
    const totals: DirectoryTotal[] = Array.from({ length: 300 }, (_, i) => {
      const rel = Buffer.from(`d${(i * 7919) % 300}`);
      const files = Math.floor(next() * 20);
      return {
        path: `/r/${rel.toString()}`,
        relativePathBytes: rel,
        pathBytes: Buffer.from(`/r/${rel.toString()}`),
        depth: 1,
        inode: BigInt(i),
        dev: 1n,
        directEntries: 0,
        directFiles: 0,
        directDirs: 0,
        directBytes: 0n,
        entries: files + Math.floor(next() * 5),
        files,
        dirs: 1,
        apparentBytes: BigInt(Math.floor(next() * 30)) * 2n ** 60n,
        allocatedBytes: BigInt(Math.floor(next() * 30)),
        newestMtime: 0,
      };
    });
    const measures = {
      apparent: (t: DirectoryTotal) => t.apparentBytes,
      allocated: (t: DirectoryTotal) => t.allocatedBytes!,
      files: (t: DirectoryTotal) => BigInt(t.files),
      entries: (t: DirectoryTotal) => BigInt(t.entries),
    };
    for (const [by, m] of Object.entries(measures) as [keyof typeof measures, (t: DirectoryTotal) => bigint][]) {
      const sorted = [...totals].sort((a, b) => (m(a) !== m(b) ? (m(a) > m(b) ? -1 : 1) : Buffer.compare(a.relativePathBytes, b.relativePathBytes)));
      expect(
        topDirectories(totals, 25, by).map((t) => t.path),
        by,
      ).toEqual(sorted.slice(0, 25).map((t) => t.path));
    }
    expect(() => topDirectories([{ ...totals[0]!, allocatedBytes: null }], 1, 'allocated')).toThrow(/--compact/);
    expect(() => topDirectories(totals, -1, 'files')).toThrow(RangeError);
  });
});
