// `pwalk-ts diff` against an independent ground truth: a tree the test builds is
// snapshotted with Python's lstat and walked, then changed (grown, deleted,
// touched, added to, a file turned into a directory, a file given to another
// owner, a new hard link), snapshotted and walked again; test/helpers/diff_truth.py
// computes from the two snapshots alone what the diff must say.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffWalks, errorSummary, openWalk } from '@pwalk-ts/reader';
import { DiffJson } from '../packages/cli/src/report/diff-schema.js';
import { threadFileBlocks } from './helpers/forged-frames.js';
import { parseJsonExact, runCli, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, PYTHON, removeTempBase } from './helpers/trees.js';

const TRUTH = join(import.meta.dirname, 'helpers/diff_truth.py');
const isRoot = process.getuid?.() === 0;

let base: string;
let tree: string;
type Row = [bigint, bigint, bigint, bigint, bigint, bigint];
let truth: {
  added: bigint[];
  deleted: bigint[];
  modified: bigint[];
  unchanged: bigint[];
  old: bigint[];
  new: bigint[];
  directories: Record<string, Row>;
  users: Record<string, Row>;
  groups: Record<string, Row>;
  extensions: Record<string, Row>;
  largestNew: { relHex: string; size: bigint }[];
};

/** The first tree: names whose byte order differs from UTF-16 and locale order, hostile names, owners, hard links. */
const BUILD = String.raw`
import os, sys
r = os.fsencode(sys.argv[1]); root_owner = sys.argv[2] == "1"
def w(rel, n, uid=None, gid=None, t=None):
    p = os.path.join(r, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f: f.write(b"x" * n)
    if root_owner and uid is not None: os.chown(p, uid, gid)
    if t is not None: os.utime(p, (t, t))
for d in (b"a", b"a-b", b"a.b", b"a0", b"caf\xc3\xa9", b"caf\xe9", b"z"):
    for i in range(3): w(d + b"/f%d.txt" % i, 100 * i + len(d), 1001, 2001)
w(b"proj/data1.csv", 5000, 1001, 2001)
w(b"proj/data2.CSV", 7000, 1002, 2002)
w(b"proj/notes.txt", 300, 1002, 2001, 1_600_000_000)
w(b"proj/archive.tar.gz", 9000, 1003, 2003)
w(b"proj/turns-into-dir", 123, 1001, 2001)
w(b"proj/gives-away", 4444, 1001, 2001)
w(b"old/sub/deep/gone1.log", 2222, 1003, 2003)
w(b"old/sub/gone2.log", 3333, 1003, 2003)
w(b"old/keep.bin", 10, 1003, 2003)
w(b"hard/one", 6000, 1002, 2002)
os.link(os.path.join(r, b"hard/one"), os.path.join(r, b"hard/two"))
w(b"names/quote\"d & <b>bold</b>", 11)
w(b"names/new\nline", 12)
w(b"names/bytes\xff\xfe.dat", 13)
`;

/** The change: grow, delete, touch, add, change type and owner, link. */
const CHANGE = String.raw`
import os, shutil, sys
r = os.fsencode(sys.argv[1]); root_owner = sys.argv[2] == "1"
def p(rel): return os.path.join(r, rel)
with open(p(b"proj/data1.csv"), "ab") as f: f.write(b"y" * 1_000_000)
with open(p(b"a-b/f1.txt"), "r+b") as f: f.truncate(5)
shutil.rmtree(p(b"old/sub"))
os.remove(p(b"a.b/f0.txt"))
os.utime(p(b"proj/notes.txt"), (1_600_000_000, 1_700_000_000))
os.utime(p(b"a0/f2.txt"), (1_500_000_000, os.lstat(p(b"a0/f2.txt")).st_mtime_ns // 10**9))
os.remove(p(b"proj/turns-into-dir"))
os.makedirs(p(b"proj/turns-into-dir"))
with open(p(b"proj/turns-into-dir/inside.txt"), "wb") as f: f.write(b"z" * 77)
if root_owner: os.chown(p(b"proj/gives-away"), 1004, 2004)
os.makedirs(p(b"new/big"))
with open(p(b"new/big/image.iso"), "wb") as f: f.truncate(6 * 2**30)
with open(p(b"new/big/small.iso"), "wb") as f: f.write(b"s" * 4096)
with open(p(b"new/<script>alert(1)"), "wb") as f: f.write(b"<script>")
with open(p(b"new/caf\xe9.TXT"), "wb") as f: f.write(b"q" * 50)
os.link(p(b"proj/data2.CSV"), p(b"new/link-to-data2"))
os.link(p(b"hard/one"), p(b"hard/three"))
`;

function snapshot(name: string): string {
  const out = join(base, `${name}.json`);
  execFileSync(PYTHON, [TRUTH, 'snapshot', tree, out]);
  return out;
}

/** The path of a JSON row, relative to the tree, as hex of its exact bytes. */
function relHex(row: { path: string; pathBase64?: string }): string {
  const bytes = row.pathBase64 === undefined ? Buffer.from(row.path) : Buffer.from(row.pathBase64, 'base64');
  const prefix = Buffer.from(tree);
  if (bytes.equals(prefix)) return '';
  expect(bytes.subarray(0, prefix.length + 1).equals(Buffer.concat([prefix, Buffer.from('/')]))).toBe(true);
  return bytes.subarray(prefix.length + 1).toString('hex');
}

/** The rows the truth says changed, ranked as the diff documents: largest change first, ties by key bytes. */
function rankedTruth(rows: Record<string, Row>, keyBytes: (k: string) => Buffer) {
  const changed = Object.entries(rows)
    .map(([k, r]) => ({ k, r, d: r[1] - r[0] }))
    .filter((x) => x.d !== 0n);
  const order = (a: { k: string; d: bigint }, b: { k: string; d: bigint }) => {
    const da = a.d < 0n ? -a.d : a.d;
    const db = b.d < 0n ? -b.d : b.d;
    return da > db ? -1 : da < db ? 1 : Buffer.compare(keyBytes(a.k), keyBytes(b.k));
  };
  return { grown: changed.filter((x) => x.d > 0n).sort(order), shrunk: changed.filter((x) => x.d < 0n).sort(order) };
}

function growth(row: Record<string, unknown>): Row {
  return [
    row.oldBytes,
    row.newBytes,
    BigInt(row.oldFiles as bigint),
    BigInt(row.newFiles as bigint),
    BigInt(row.oldEntries as bigint),
    BigInt(row.newEntries as bigint),
  ] as Row;
}

beforeAll(() => {
  base = makeTempBase('diff');
  tree = join(base, 'tree');
  py(BUILD, tree, isRoot ? '1' : '0');
  const before = snapshot('before');
  execFileSync(process.execPath, [join(import.meta.dirname, '../packages/cli/bin/pwalk-ts.js'), tree, '--out', join(base, 'w1'), '--quiet']);
  py(CHANGE, tree, isRoot ? '1' : '0');
  const after = snapshot('after');
  execFileSync(process.execPath, [join(import.meta.dirname, '../packages/cli/bin/pwalk-ts.js'), tree, '--out', join(base, 'w2'), '--quiet', '--threads', '1']);
  truth = parseJsonExact(execFileSync(PYTHON, [TRUTH, 'diff', before, after], { encoding: 'utf8' })) as typeof truth;
});
afterAll(() => removeTempBase(base));

describe('pwalk-ts diff', () => {
  it('new, deleted, modified, unchanged, totals and every growth row match the snapshots', async () => {
    const r = await runCliOk(['diff', join(base, 'w1'), join(base, 'w2'), '--json', '-', '--top', '100000']);
    const d = parseJsonExact(r.stdout) as Record<string, any>;
    expect(DiffJson.safeParse(d).success).toBe(true);
    // Every field produced is in the schema: parsing (which drops unknown keys) gives the document back whole.
    expect(DiffJson.parse(d)).toEqual(d);
    const t4 = (x: Record<string, bigint>) => [x.entries, x.files, x.dirs, x.bytes].map((v) => BigInt(v!));
    expect(t4(d.added)).toEqual(truth.added);
    expect(t4(d.deleted)).toEqual(truth.deleted);
    expect(t4(d.unchanged)).toEqual(truth.unchanged);
    expect([d.modified.entries, d.modified.files, d.modified.oldBytes, d.modified.newBytes].map(BigInt)).toEqual(truth.modified);
    expect(d.modified.deltaBytes).toBe(truth.modified[3]! - truth.modified[2]!);
    expect([...t4(d.old.totals), d.old.totals.allocatedBytes]).toEqual(truth.old);
    expect([...t4(d.new.totals), d.new.totals.allocatedBytes]).toEqual(truth.new);
    expect(d.netBytes).toBe(truth.new[3]! - truth.old[3]!);
    expect(d.sameRoot).toBe(true);

    const dirs = rankedTruth(truth.directories, (k) => Buffer.from(k, 'hex'));
    for (const way of ['grown', 'shrunk'] as const) {
      expect(d.directories[way].map((row: any) => [relHex(row), growth(row)])).toEqual(dirs[way].map((x) => [x.k, x.r]));
      for (const row of d.directories[way])
        expect(row.depth).toBe(BigInt(relHex(row) === '' ? 0 : Buffer.from(relHex(row), 'hex').toString('latin1').split('/').length));
    }
    const owners = (rows: Record<string, Row>) => rankedTruth(rows, (k) => Buffer.from(k.padStart(12, '0')));
    for (const [json, rows] of [
      [d.users, truth.users],
      [d.groups, truth.groups],
    ] as const) {
      const want = owners(rows);
      for (const way of ['grown', 'shrunk'] as const) {
        expect(json[way].map((row: any) => [String(row.id), growth(row)])).toEqual(want[way].map((x) => [x.k, x.r]));
      }
    }
    const exts = rankedTruth(truth.extensions, (k) => Buffer.from(k, 'hex'));
    for (const way of ['grown', 'shrunk'] as const) {
      expect(
        d.extensions[way].map((row: any) => [
          Buffer.from(row.extension.startsWith('/hex:') ? row.extension.slice(5) : Buffer.from(row.extension).toString('hex'), 'hex').toString('hex'),
          growth(row),
        ]),
      ).toEqual(exts[way].map((x) => [x.k, x.r]));
    }
    expect(d.largestNew.map((f: any) => [relHex(f), f.size])).toEqual(truth.largestNew.map((f) => [f.relHex, f.size]));
    // The changes the test made show up where they were made.
    expect(d.largestNew[0].size).toBe(6n * 2n ** 30n);
    expect(d.extensions.grown[0].extension).toBe('iso');
    expect(truth.modified[0]).toBeGreaterThanOrEqual(3n);
    if (isRoot) expect(d.users.grown.some((u: any) => u.id === 1004n && u.newBytes === 4444n)).toBe(true);
  });

  it('--top N keeps the N largest changes each way, in the same order', async () => {
    const r = await runCliOk(['diff', join(base, 'w1'), join(base, 'w2'), '--json', '-', '--top', '3']);
    const d = parseJsonExact(r.stdout) as Record<string, any>;
    const dirs = rankedTruth(truth.directories, (k) => Buffer.from(k, 'hex'));
    expect(d.directories.grown.map(relHex)).toEqual(dirs.grown.slice(0, 3).map((x) => x.k));
    expect(d.directories.shrunk.map(relHex)).toEqual(dirs.shrunk.slice(0, 3).map((x) => x.k));
    expect(d.largestNew).toHaveLength(3);
  });

  it('a walk against itself has no change; swapped walks swap new and deleted', async () => {
    const same = parseJsonExact((await runCliOk(['diff', join(base, 'w1'), join(base, 'w1'), '--json', '-'])).stdout) as Record<string, any>;
    expect([same.added.entries, same.deleted.entries, same.modified.entries, same.netBytes]).toEqual([0n, 0n, 0n, 0n]);
    expect(same.directories.grown).toEqual([]);
    const back = parseJsonExact((await runCliOk(['diff', join(base, 'w2'), join(base, 'w1'), '--json', '-'])).stdout) as Record<string, any>;
    expect([back.added.entries, back.added.bytes]).toEqual([truth.deleted[0], truth.deleted[3]]);
    expect([back.deleted.entries, back.deleted.bytes]).toEqual([truth.added[0], truth.added[3]]);
  });

  it('writes --html and --json files whole, prints a summary, and --quiet prints nothing', async () => {
    const html = join(base, 'd.html');
    const json = join(base, 'd.json');
    const loud = await runCliOk(['diff', join(base, 'w1'), join(base, 'w2'), '--html', html, '--json', json]);
    expect(loud.stdout).toMatch(/^net change {2}\+/);
    expect(loud.stderr).toBe('');
    expect(DiffJson.safeParse(parseJsonExact(readFileSync(json, 'utf8'))).success).toBe(true);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('&lt;script&gt;alert(1)');
    expect(page).not.toContain('<script>alert(1)');
    const quiet = await runCliOk(['diff', join(base, 'w1'), join(base, 'w2'), '--html', html, '--quiet']);
    expect([quiet.stdout, quiet.stderr]).toEqual(['', '']);
  });

  it('walks of two different roots: sameRoot is false and the page says so', async () => {
    const other = join(base, 'other');
    py(`import os,sys\nos.makedirs(os.path.join(sys.argv[1],'proj'))\nopen(os.path.join(sys.argv[1],'proj','x.dat'),'wb').write(b'1234')`, other);
    await runCliOk([other, '--out', join(base, 'w-other'), '--quiet']);
    const html = join(base, 'other.html');
    const d = parseJsonExact((await runCliOk(['diff', join(base, 'w1'), join(base, 'w-other'), '--json', '-', '--html', html])).stdout) as Record<string, any>;
    expect(d.sameRoot).toBe(false);
    expect(readFileSync(html, 'utf8')).toContain('different roots');
    expect((await runCliOk(['diff', join(base, 'w1'), join(base, 'w-other')])).stdout).toMatch(new RegExp(`\nroots {7}differ: ${tree} -> ${other} \\(`));
    // Paths are compared relative to each root: proj/ is in both.
    expect(d.added.entries).toBe(1n);
    expect(d.unchanged.dirs).toBe(2n);
  });

  it('bad input is one line and exit 2', async () => {
    for (const args of [
      ['diff', join(base, 'w1')],
      ['diff', join(base, 'w1'), join(base, 'missing')],
      ['diff', join(base, 'w1'), join(base, 'w2'), '--top', '0'],
      ['diff', join(base, 'w1'), join(base, 'w2'), '--html', join(base, 'no/such/dir/d.html')],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/^pwalk-ts: /);
    }
    expect(existsSync(join(base, 'no'))).toBe(false);
  });
});

describe('diffWalks sorts', () => {
  // The CLI test above pins the diff of these small walks, sorted in memory in this
  // thread; a big walk is sorted in a worker thread and spilled to disk in runs.
  const sorts = [{ parallelSort: true }, { parallelSort: true, sortMemoryRecords: 3 }, { parallelSort: false, sortMemoryRecords: 3 }];

  it('in a worker thread and in runs on disk: the same diff either way round, and the runs removed', async () => {
    for (const [older, newer] of [
      ['w1', 'w2'],
      ['w2', 'w1'],
    ]) {
      const open = () => Promise.all([openWalk(join(base, older!)), openWalk(join(base, newer!))]);
      const inMemory = await diffWalks(...(await open()), { parallelSort: false, top: 1000 });
      expect(inMemory.added.entries + inMemory.deleted.entries + inMemory.modified.entries).toBeGreaterThan(10);
      for (const sort of sorts) {
        const tempDir = mkdtempSync(join(base, 'sort-'));
        expect(await diffWalks(...(await open()), { ...sort, tempDir, top: 1000 }), JSON.stringify(sort)).toEqual(inMemory);
        expect(readdirSync(tempDir)).toEqual([]);
      }
    }
  });

  it('stopped by its signal while the worker sorts: ABORTED, the worker stopped and its runs removed', async () => {
    for (const abortAfterMs of [0, 10]) {
      const tempDir = mkdtempSync(join(base, 'sort-stop-'));
      const stop = new AbortController();
      const diff = diffWalks(await openWalk(join(base, 'w1')), await openWalk(join(base, 'w2')), {
        parallelSort: true,
        sortMemoryRecords: 1,
        tempDir,
        signal: stop.signal,
      });
      setTimeout(() => stop.abort(), abortAfterMs);
      await expect(diff).rejects.toMatchObject({ code: 'PWALK_ABORTED' });
      expect(readdirSync(tempDir)).toEqual([]);
    }
  });

  it('a damaged block of the new walk: the same diff and problems (skip), the same error code (throw)', async () => {
    const damaged = join(base, 'w2-damaged');
    cpSync(join(base, 'w2'), damaged, { recursive: true });
    const file = readdirSync(damaged)
      .filter((n) => n.startsWith('thread_'))
      .map((n) => join(damaged, n))
      .find((f) => threadFileBlocks(readFileSync(f)).length > 0)!;
    const bytes = readFileSync(file);
    const block = threadFileBlocks(bytes)[0]!;
    bytes[block.at + 16 + (block.payload.length >> 1)]! ^= 0xff;
    writeFileSync(file, bytes);

    const read = async (sort: object) => {
      const [older, newer] = [await openWalk(join(base, 'w1')), await openWalk(damaged)];
      const diff = await diffWalks(older, newer, { ...sort, onCorrupt: 'skip', top: 1000 });
      return { diff, problems: newer.problems.map((p) => [p.code, p.message]) };
    };
    const inMemory = await read({ parallelSort: false });
    expect(inMemory.problems.map(([code]) => code)).toEqual(['PWALK_CORRUPT_BLOCK']);
    for (const sort of sorts) expect(await read(sort), JSON.stringify(sort)).toEqual(inMemory);

    for (const sort of [{ parallelSort: false }, ...sorts]) {
      const [older, newer] = [await openWalk(join(base, 'w1')), await openWalk(damaged)];
      await expect(diffWalks(older, newer, { ...sort, onCorrupt: 'throw' }), JSON.stringify(sort)).rejects.toMatchObject({ code: 'PWALK_CORRUPT_BLOCK' });
    }
  });
});

describe('SDK count options', () => {
  it('diffWalks top and largest, errorSummary samples: a negative, fractional or NaN count is a RangeError before any reading', async () => {
    const w = await openWalk(join(base, 'w1'));
    for (const bad of [-1, 1.5, Number.NaN]) {
      await expect(diffWalks(w, w, { top: bad })).rejects.toThrow(new RangeError(`diffWalks: top must be a whole number >= 0, got ${bad}`));
      await expect(diffWalks(w, w, { largest: bad })).rejects.toThrow(/^diffWalks: largest must be a whole number/);
      await expect(errorSummary(w, { samples: bad })).rejects.toThrow(new RangeError(`errorSummary: samples must be a whole number >= 0, got ${bad}`));
    }
    const none = await diffWalks(w, w, { top: 0 });
    expect([none.directories.grown, none.largestNew]).toEqual([[], []]);
  });
});
