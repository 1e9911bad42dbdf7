// Walks a tree of every awkward kind of entry (and a skewed subtree that makes
// workers share work) with 1, 2, 8 and 64 threads on both engines (sync, and async:
// one call in flight per thread while the threads are no more than the cores), on the
// native and the TypeScript scanner routes, and compares `pwalk-ts cat` field by field
// with ground_truth.py, an independent stdlib walk of the same tree. With --threads 1
// both routes must write byte-identical thread files.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliEntries,
  cliErrors,
  diffRecords,
  ENTRY_KEYS,
  expectSortedEntries,
  groundTruth,
  INT_KEYS,
  settleAtimes,
  showPath,
  type Rec,
} from './helpers/records.js';
import { ACTIVE_ROUTES, describeRoutes, nativeSkipReason, type Route } from './helpers/routes.js';
import { parseCsv, parseJsonExact, runCli, runCliOk, type CliResult } from './helpers/run-cli.js';
import { buildEdgeTree, buildSkewedTree, makeTempBase, removeTempBase, TIMES, type EdgeTreeInfo } from './helpers/trees.js';

const THREADS = [1, 2, 8, 64] as const;
const ENGINES = ['sync', 'async'] as const;
type Engine = (typeof ENGINES)[number];
/** Every walk of a route: each engine at each thread count. */
const WALKS = ENGINES.flatMap((engine) => THREADS.map((threads) => [engine, threads] as const));
/** The walks whose output formats (csv, info's text, error records) are checked too. */
const FORMAT_WALKS = WALKS.filter(([engine, threads]) => engine === 'sync' && threads <= 8);

let base: string;
let tree: string;
let info: EdgeTreeInfo;
let truth: Rec[];
const walks = new Map<string, { out: string; walk: CliResult; cat: CliResult }>();

function walkOf(route: Route, engine: Engine, threads: number): { out: string; walk: CliResult; cat: CliResult } {
  return walks.get(`${route}/${engine}/${threads}`)!;
}

function floorSeconds(ns: bigint): bigint {
  const q = ns / 1_000_000_000n;
  return ns < 0n && q * 1_000_000_000n !== ns ? q - 1n : q;
}

function rel(r: Rec): Buffer {
  const root = Buffer.from(tree);
  return r.pathBytes.length === root.length ? Buffer.alloc(0) : r.pathBytes.subarray(root.length + 1);
}

function find(recs: readonly Rec[], relative: string | Buffer): Rec | undefined {
  const want = typeof relative === 'string' ? Buffer.from(relative, 'latin1') : relative;
  return recs.find((r) => rel(r).equals(want));
}

/** Relative path in UTF-8 text (for the names that are UTF-8). */
function findUtf8(recs: readonly Rec[], relative: string): Rec | undefined {
  return find(recs, Buffer.from(relative, 'utf8'));
}

beforeAll(async () => {
  base = makeTempBase('gt');
  tree = join(base, 'tree');
  buildSkewedTree(join(tree, 'skewed'));
  info = buildEdgeTree(join(tree, 'edge'));
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
  for (const route of ACTIVE_ROUTES) {
    for (const [engine, threads] of WALKS) {
      const out = join(base, `out-${route}-${engine}-${threads}`);
      const walk = await runCli([tree, '--out', out, '--threads', String(threads), '--engine', engine, '--quiet'], { route });
      const cat = await runCli(['cat', out, '--format', 'ndjson', '--sort', 'path']);
      walks.set(`${route}/${engine}/${threads}`, { out, walk, cat });
    }
  }
});

afterAll(() => removeTempBase(base));

describe('fixture sanity (the ground truth sees what the builders made)', () => {
  it('holds every entry type, the big sizes and the edge times', () => {
    const types = new Set(truth.map((r) => r.type));
    for (const t of ['file', 'dir', 'symlink', 'fifo', 'socket']) expect(types).toContain(t);
    if (info.devices) {
      expect(types).toContain('char');
      expect(types).toContain('block');
    }
    expect(find(truth, 'edge/sizes/sparse6g')?.size).toBe(6n * 2n ** 30n);
    expect(find(truth, 'edge/times/pre1970Ns')?.mtime).toBe(-315360000n);
    expect(find(truth, 'edge/times/after2106Ns')?.mtime).toBe(5_000_000_000n);
    expect(find(truth, 'edge/times/justBeforeSecondNs')?.mtime).toBe(1_700_000_000n);
    for (const name of info.nonUtf8) expect(find(truth, `edge/names/${name}`), name).toBeDefined();
    expect(truth.length).toBeGreaterThan(3000);
  });
});

describeRoutes((route) => {
  describe.each(WALKS)('walk with --engine %s --threads %i', (engine, threads) => {
    it('exits 0 and prints nothing with --quiet', () => {
      const { walk } = walkOf(route, engine, threads);
      expect(walk.stderr).toBe('');
      expect(walk.code).toBe(0);
    });

    it('cat --sort path matches the ground truth field by field', () => {
      const { cat } = walkOf(route, engine, threads);
      expect(cat.stderr).toBe('');
      expect(cat.code).toBe(0);
      const actual = expectSortedEntries(cat.stdout);
      expect(diffRecords(actual, truth)).toEqual([]);
      expect(actual.length).toBe(truth.length);
    });

    it('has the root record: path as given, depth 0, parentInode 0', () => {
      const problems: string[] = [];
      const actual = cliEntries(walkOf(route, engine, threads).cat.stdout, problems);
      const root = actual[0]!;
      expect(root.path).toBe(tree);
      expect(root.depth).toBe(0n);
      expect(root.parentInode).toBe(0n);
      expect(root.type).toBe('dir');
      expect(root.inode).toBe(truth.find((r) => r.depth === 0n)!.inode);
      expect(actual.filter((r) => r.depth === 0n)).toHaveLength(1);
    });

    it('links every record to its directory: parentInode and depth agree with the path', () => {
      const problems: string[] = [];
      const actual = cliEntries(walkOf(route, engine, threads).cat.stdout, problems);
      const byPath = new Map(actual.map((r) => [r.pathBytes.toString('base64'), r]));
      const bad: string[] = [];
      for (const r of actual) {
        const relative = rel(r);
        if (relative.length === 0) continue;
        const slashes = relative.filter((b) => b === 0x2f).length;
        if (r.depth !== BigInt(slashes + 1)) bad.push(`${showPath(r.pathBytes)} depth ${r.depth}`);
        const parentBytes = r.pathBytes.subarray(0, r.pathBytes.lastIndexOf(0x2f));
        const parent = byPath.get(parentBytes.toString('base64'));
        if (parent === undefined) bad.push(`${showPath(r.pathBytes)} has no parent record`);
        else if (parent.inode !== r.parentInode) bad.push(`${showPath(r.pathBytes)} parentInode ${r.parentInode}, parent's inode ${parent.inode}`);
      }
      expect(bad).toEqual([]);
    });

    it('info --json exits 0 and counts what the ground truth counts', async () => {
      const { out } = walkOf(route, engine, threads);
      const r = await runCliOk(['info', out, '--json']);
      const j = parseJsonExact(r.stdout) as {
        status: string;
        manifest: { root: string; status: string; options: { threads: bigint; engine: string }; totals: Record<string, bigint> };
        verified: { entries: bigint; errors: bigint; problems: unknown[] };
      };
      expect(j.status).toBe('complete');
      expect(j.manifest.status).toBe('complete');
      expect(j.manifest.root).toBe(tree);
      expect(j.manifest.options.threads).toBe(BigInt(threads));
      // One call in flight per worker is the synchronous engine: the async one runs only past the cores.
      expect(j.manifest.options.engine).toBe(threads > availableParallelism() ? engine : 'sync');
      const files = truth.filter((e) => e.type === 'file').length;
      const dirs = truth.filter((e) => e.type === 'dir').length;
      const bytes = truth.reduce((s, e) => s + e.size!, 0n);
      expect(j.manifest.totals).toEqual({
        entries: BigInt(truth.length),
        files: BigInt(files),
        dirs: BigInt(dirs),
        errors: 0n,
        bytes,
      });
      expect(j.verified).toEqual({ entries: BigInt(truth.length), errors: 0n, problems: [] });
    });
  });

  // What the records are read as (csv, unsorted, info's text, error records) does not depend on how they were walked:
  // checked on the synchronous walks alone.
  describe.each(FORMAT_WALKS)('reading the walk with --engine %s --threads %i', (engine, threads) => {
    it('cat without --sort holds the same records', async () => {
      const { out } = walkOf(route, engine, threads);
      const r = await runCliOk(['cat', out]);
      const problems: string[] = [];
      const actual = cliEntries(r.stdout, problems);
      expect(problems).toEqual([]);
      expect(diffRecords(actual, truth)).toEqual([]);
    });

    it('csv parses back (RFC 4180, CRLF, exact path bytes) to the ndjson values', async () => {
      const { out, cat } = walkOf(route, engine, threads);
      const csv = await runCliOk(['cat', out, '--format', 'csv', '--sort', 'path']);
      const rows = parseCsv(csv.stdoutBytes);
      expect(rows[0]!.map((f) => f.toString('utf8'))).toEqual([...ENTRY_KEYS]);
      // path always quoted: every data row starts with a quote byte right after the previous CRLF
      const text = csv.stdoutBytes;
      const headerEnd = text.indexOf('\r\n') + 2;
      expect(text[headerEnd]).toBe(0x22);
      const problems: string[] = [];
      const nd = cliEntries(cat.stdout, problems);
      expect(rows.length - 1).toBe(nd.length);
      const bad: string[] = [];
      for (let i = 0; i < nd.length; i++) {
        const row = rows[i + 1]!;
        const e = nd[i]!;
        if (row.length !== ENTRY_KEYS.length) {
          bad.push(`row ${i + 1} has ${row.length} fields`);
          continue;
        }
        if (!row[0]!.equals(e.pathBytes)) bad.push(`row ${i + 1} path ${showPath(row[0]!)} vs ${showPath(e.pathBytes)}`);
        if (row[1]!.toString() !== e.type) bad.push(`row ${i + 1} type ${row[1]!.toString()}`);
        INT_KEYS.forEach((k, j) => {
          const field = row[j + 2]!.toString('utf8');
          const want = e[k] === null ? '' : String(e[k]);
          if (field !== want) bad.push(`${showPath(e.pathBytes)} csv ${k} ${field} vs ndjson ${want}`);
        });
      }
      expect(bad.slice(0, 30)).toEqual([]);
    });

    it('info (text) exits 0 and reports the entry counts', async () => {
      const { out } = walkOf(route, engine, threads);
      const r = await runCliOk(['info', out]);
      const m = /^entries\s+([\d,]+) \(([\d,]+) files, ([\d,]+) dirs\)$/m.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      const n = (s: string): number => Number(s.replace(/,/g, ''));
      expect(n(m![1]!)).toBe(truth.length);
      expect(n(m![2]!)).toBe(truth.filter((e) => e.type === 'file').length);
      expect(n(m![3]!)).toBe(truth.filter((e) => e.type === 'dir').length);
      expect(r.stdout).toMatch(/^status\s+complete$/m);
      expect(r.stdout).toMatch(/^errors\s+0$/m);
    });

    it('records no errors (ndjson and csv)', async () => {
      const { out } = walkOf(route, engine, threads);
      const nd = await runCliOk(['cat', out, '--errors']);
      const problems: string[] = [];
      expect(cliErrors(nd.stdout, problems)).toEqual([]);
      const csv = await runCliOk(['cat', out, '--errors', '--format', 'csv']);
      expect(csv.stdout).toBe('path,syscall,code\r\n');
    });
  });

  describe('across thread counts', () => {
    it('cat --sort path prints byte-identical output for 1, 2, 8 and 64 threads on both engines', () => {
      const first = walkOf(route, 'sync', 1).cat.stdout;
      expect(first.length).toBeGreaterThan(0);
      for (const [engine, threads] of WALKS) expect(walkOf(route, engine, threads).cat.stdout === first, `${engine} ${threads}`).toBe(true);
    });
  });

  describe('exact values, checked against numbers computed here (not by python)', () => {
    const entries = (): Rec[] => {
      const problems: string[] = [];
      return cliEntries(walkOf(route, 'sync', 2).cat.stdout, problems);
    };

    it.each(Object.entries(TIMES))('times/%s: mtime and atime are floor(ns / 1e9)', (name, ns) => {
      const r = find(entries(), `edge/times/${name}`);
      expect(r, name).toBeDefined();
      expect(r!.mtime).toBe(floorSeconds(ns));
      expect(r!.atime).toBe(floorSeconds(ns));
    });

    it('keeps atime and mtime apart, and a symlink its own times', () => {
      const mixed = find(entries(), 'edge/times/mixed')!;
      expect(mixed.atime).toBe(-315360000n);
      expect(mixed.mtime).toBe(5_000_000_000n);
      const link = find(entries(), 'edge/times/link-old')!;
      expect(link.type).toBe('symlink');
      expect(link.atime).toBe(-315360000n);
      expect(link.mtime).toBe(-1n);
      expect(find(entries(), 'edge/times/olddir')!.mtime).toBe(-315360000n);
    });

    it('sizes at and past 4 GiB are exact', () => {
      const e = entries();
      expect(find(e, 'edge/sizes/u32max')!.size).toBe(4294967295n);
      expect(find(e, 'edge/sizes/u32')!.size).toBe(4294967296n);
      expect(find(e, 'edge/sizes/sparse6g')!.size).toBe(6442450944n);
      expect(find(e, 'edge/sizes/empty')!.size).toBe(0n);
    });

    it('hard links share one inode and report nlink 3', () => {
      const e = entries();
      const names = ['edge/hard/orig', 'edge/hard/second', 'edge/hard/other/third'].map((n) => find(e, n)!);
      expect(new Set(names.map((r) => r.inode)).size).toBe(1);
      for (const r of names) expect(r.nlink).toBe(3n);
      expect(names[2]!.parentInode).toBe(find(e, 'edge/hard/other')!.inode);
    });

    it('never follows symlinks: loops, dangling links and links to directories are leaves', () => {
      const e = entries();
      for (const n of ['a', 'b', 'self', 'dangling', 'todir', 'tofile', 'toroot', 'up']) {
        expect(find(e, `edge/links/${n}`)?.type, n).toBe('symlink');
      }
      const under = e.filter((r) => /^edge\/links\/(a|b|self|dangling|todir|toroot|up)\//.test(rel(r).toString('latin1')));
      expect(under.map((r) => showPath(r.pathBytes))).toEqual([]);
      expect(find(e, 'edge/links/realdir/inner/deep.txt')?.type).toBe('file');
    });

    it('records fifo, socket and device types', () => {
      const e = entries();
      expect(find(e, 'edge/special/fifo')?.type).toBe('fifo');
      expect(find(e, 'edge/special/sock')?.type).toBe('socket');
      if (info.devices) {
        expect(find(e, 'edge/special/chardev')?.type).toBe('char');
        expect(find(e, 'edge/special/blockdev')?.type).toBe('block');
      }
    });

    it('keeps modes and 32-bit owners exact', () => {
      const e = entries();
      expect(find(e, 'edge/modes/m7777')!.mode).toBe(BigInt(0o100000 | 0o7777));
      expect(find(e, 'edge/modes/m000')!.mode).toBe(BigInt(0o100000));
      expect(find(e, 'edge/modes/stickydir')!.mode).toBe(BigInt(0o040000 | 0o1777));
      const big = find(e, 'edge/modes/bigids')!;
      expect([big.uid, big.gid]).toEqual([4000000000n, 4000000001n]);
      const link = find(e, 'edge/modes/link-bigids')!;
      expect([link.uid, link.gid]).toEqual([3000000000n, 3000000001n]);
    });

    it('keeps names byte-exact: non-UTF-8, control characters, quotes, 255-byte names', () => {
      const e = entries();
      for (const name of info.nonUtf8) expect(find(e, `edge/names/${name}`), JSON.stringify(name)).toBeDefined();
      expect(find(e, 'edge/names/dir\xff\xfe/sub\x80dir/leaf')?.type).toBe('file');
      expect(find(e, 'edge/names/dir\xff\xfe/child\xfe')?.type).toBe('file');
      for (const name of [
        'new\nline',
        'comma,name',
        'quote"name',
        'tab\tname',
        'cr\rname',
        'back\\slash',
        'literal\ufffdreplacement',
        '{"inode":12345678901234567890,"x":1}',
        'a'.repeat(255),
        'é'.repeat(127) + 'a',
        '日'.repeat(85),
        '\u{1F600}emoji',
        'ctl\x01\x1b\x1f\x7f',
        'sep\u2028\u2029',
      ]) {
        expect(findUtf8(e, `edge/names/${name}`), JSON.stringify(name)).toBeDefined();
      }
      expect(findUtf8(e, `edge/names/d-${'b'.repeat(253)}/x`)?.type).toBe('file');
    });

    it('records empty directories', () => {
      const e = entries();
      expect(find(e, 'edge/empty')?.type).toBe('dir');
      expect(find(e, 'edge/nested-empty/e1/e2/e3')?.type).toBe('dir');
      expect(find(e, 'edge/nested-empty/e1/e2/e3')?.depth).toBe(5n);
    });
  });
});

describe.skipIf(nativeSkipReason !== null)('the native and the TypeScript routes', () => {
  it('write byte-identical thread files with --threads 1 (all but the walk id in the header)', () => {
    const read = (route: Route): Buffer => {
      const bytes = readFileSync(join(walkOf(route, 'sync', 1).out, 'thread_0.bin'));
      bytes.fill(0, 16, 32); // the walk id (FORMAT.md 2.1)
      return bytes;
    };
    const native = read('native');
    const ts = read('ts');
    expect(native.length).toBeGreaterThan(64);
    expect(native.length).toBe(ts.length);
    expect(native.equals(ts)).toBe(true);
  });

  it.each(WALKS)('print the same sorted records with --engine %s --threads %i', (engine, threads) => {
    expect(walkOf('native', engine, threads).cat.stdout === walkOf('ts', engine, threads).cat.stdout).toBe(true);
  });
});
