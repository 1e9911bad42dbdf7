// `pwalk-ts export WALK -o FILE` read back by DuckDB and compared with independent
// ground truth: ground_truth.py (Python lstat) field by field, GNU find for the
// counts per type, GNU du for the sums (hard links once). Walks with 1, 2 and 8
// threads of a tree with hard links, sparse files past 4 GiB, non-UTF-8 names, names
// with newlines, quotes and commas, and times before 1970 and after 2106; then a
// --compact walk, an empty one, times past the timestamp range (tmpfs), a full output
// disk (tmpfs), and inodes past 2^63 (FUSE).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBTimestampTZValue, type DuckDBValue } from '@duckdb/node-api';
import { openWalk } from '@pwalk-ts/reader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckRows, ENTRY_COLUMN_TYPES, ERROR_COLUMN_TYPES, parquetRecs, parquetTypes, sqlPath } from './helpers/duckdb.js';
import { COMPACT_NULL_KEYS, diffRecords, groundTruth, settleAtimes, showPath, type Rec } from './helpers/records.js';
import { CLI, runCli, runCliOk } from './helpers/run-cli.js';
import { mountSlowfs, slowfsSkipReason, type SlowfsMount } from './helpers/slowfs.js';
import { buildEdgeTree, buildSkewedTree, makeTempBase, py, removeTempBase, TIMES, type EdgeTreeInfo } from './helpers/trees.js';

const THREADS = [1, 2, 8] as const;

/** floor((2^63 - 1) / 10^6): the last second a microsecond timestamp holds. */
const MAX_TIMESTAMP_SECONDS = 9_223_372_036_854n;

let base: string;
let tree: string;
let info: EdgeTreeInfo;
let truth: Rec[];
const exported = new Map<number, string>();

function floorSeconds(ns: bigint): bigint {
  const q = ns / 1_000_000_000n;
  return ns < 0n && q * 1_000_000_000n !== ns ? q - 1n : q;
}

/** Mounts a tmpfs of `size` at a new folder `dir`; returns why it cannot, or null. */
function mountTmpfs(dir: string, size: string): string | null {
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'pwalk-test-pq', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return (err as Error).message.split('\n')[0]!;
  }
}

const mounted: string[] = [];

beforeAll(async () => {
  base = makeTempBase('pq');
  tree = join(base, 'tree');
  buildSkewedTree(join(tree, 'skewed'));
  info = buildEdgeTree(join(tree, 'edge'));
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
  for (const threads of THREADS) {
    const out = join(base, `walk-${threads}`);
    await runCliOk([tree, '--out', out, '--threads', String(threads), '--quiet']);
    const file = join(base, `entries-${threads}.parquet`);
    const r = await runCliOk(['export', out, '-o', file]);
    expect(r.stderr).toMatch(new RegExp(`^pwalk-ts: ${truth.length.toLocaleString('en-US')} entries -> \\S+ \\(\\d`));
    exported.set(threads, file);
  }
});

afterAll(() => {
  for (const m of mounted) execFileSync('umount', [m]);
  removeTempBase(base);
});

describe.each(THREADS)('a walk with --threads %i, exported', (threads) => {
  it('has every entry once, field by field as the ground truth, path bytes exact', async () => {
    const recs = await parquetRecs(exported.get(threads)!);
    expect(diffRecords(recs, truth)).toEqual([]);
    expect(recs).toHaveLength(truth.length);
  });

  it('path is the UTF-8 text of path_bytes (lossy only for the names that are not UTF-8)', async () => {
    const recs = await parquetRecs(exported.get(threads)!);
    const bad = recs.filter((r) => r.path !== r.pathBytes.toString('utf8')).map((r) => showPath(r.pathBytes));
    expect(bad).toEqual([]);
    for (const name of info.nonUtf8) {
      const bytes = Buffer.from(name, 'latin1');
      const hit = recs.find((r) => r.pathBytes.subarray(r.pathBytes.length - bytes.length).equals(bytes));
      expect(hit, `no row ends with the bytes of ${JSON.stringify(name)}`).toBeDefined();
      expect(hit!.path).toContain('\ufffd');
    }
    for (const name of ['new\nline', 'comma,name', 'quote"name']) expect(recs.some((r) => r.path.endsWith(`/${name}`))).toBe(true);
  });
});

describe('the exported file', () => {
  it('has the documented column types (DESCRIBE in DuckDB)', async () => {
    expect(await parquetTypes(exported.get(1)!)).toEqual(ENTRY_COLUMN_TYPES);
  });

  it('holds each time as a UTC timestamp equal to its exact seconds, before 1970 and after 2106 too', async () => {
    const rows = await duckRows(`SELECT path_bytes, mtime, atime, ctime, mtime_s, atime_s, ctime_s FROM read_parquet(${sqlPath(exported.get(2)!)})`);
    const bad: string[] = [];
    const check = (row: Record<string, DuckDBValue>, t: 'mtime' | 'atime' | 'ctime'): void => {
      const seconds = row[`${t}_s`] as bigint;
      const ts = row[t];
      if (!(ts instanceof DuckDBTimestampTZValue) || ts.micros !== seconds * 1_000_000n) bad.push(`${t} ${String(ts)} for ${seconds} s`);
    };
    for (const row of rows) for (const t of ['mtime', 'atime', 'ctime'] as const) check(row, t);
    expect(bad.slice(0, 20)).toEqual([]);
    const mtimes = new Set(rows.map((r) => r.mtime_s));
    for (const ns of [TIMES.pre1970Ns, TIMES.after2106Ns, TIMES.minusOneNs, TIMES.u32OverflowSecondNs]) expect(mtimes).toContain(floorSeconds(ns));
    const late = await duckRows(`SELECT strftime(mtime, '%Y-%m-%d %H:%M:%S') AS t FROM read_parquet(${sqlPath(exported.get(2)!)}) WHERE mtime_s = 5000000000`);
    expect(late.map((r) => r.t)).toContain('2128-06-11 08:53:20');
  });

  it('counts every type as find does', async () => {
    const letters: Record<string, string> = { f: 'file', d: 'dir', l: 'symlink', p: 'fifo', s: 'socket', c: 'char', b: 'block' };
    const expected: Record<string, bigint> = {};
    for (const y of execFileSync('find', [tree, '-printf', '%y\\n'], { encoding: 'utf8' }).trim().split('\n')) {
      const t = letters[y]!;
      expected[t] = (expected[t] ?? 0n) + 1n;
    }
    for (const threads of THREADS) {
      const rows = await duckRows(`SELECT type, count(*) AS n FROM read_parquet(${sqlPath(exported.get(threads)!)}) GROUP BY type`);
      expect(Object.fromEntries(rows.map((r) => [String(r.type), r.n]))).toEqual(expected);
    }
  });

  it('sums sizes as du does (apparent and allocated, hard links once) and as Python does (every entry)', async () => {
    const du = (flags: string[]): bigint => BigInt(execFileSync('du', ['-s', ...flags, '-B1', tree], { encoding: 'utf8' }).split('\t')[0]!);
    const apparent = du(['--apparent-size']);
    const allocated = du([]);
    const sumAll = truth.reduce((s, r) => s + r.size!, 0n);
    expect(sumAll).toBeGreaterThan(6n * 2n ** 30n);
    for (const threads of THREADS) {
      const file = sqlPath(exported.get(threads)!);
      const [once] = await duckRows(
        `SELECT sum(size) AS apparent, sum(allocated) AS allocated FROM (SELECT DISTINCT ON (dev, inode) size, allocated FROM read_parquet(${file}))`,
      );
      expect(once).toEqual({ apparent, allocated });
      const [all] = await duckRows(`SELECT sum(size) AS s, sum(allocated) AS a, sum(blocks * 512) AS b FROM read_parquet(${file})`);
      expect(all!.s).toBe(sumAll);
      expect(all!.a).toBe(all!.b);
    }
  });

  it('names the walk in its key-value metadata', async () => {
    const walk = await openWalk(join(base, 'walk-1'));
    const rows = await duckRows(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${sqlPath(exported.get(1)!)})`);
    const kv = Object.fromEntries(rows.map((r) => [String(r.k), String(r.v)]));
    expect(kv).toMatchObject({
      'pwalk-ts.table': 'entries',
      'pwalk-ts.walk_id': walk.manifest!.walkId,
      'pwalk-ts.root': tree,
      'pwalk-ts.root_base64': Buffer.from(tree).toString('base64'),
      'pwalk-ts.walk_status': 'complete',
      'pwalk-ts.start_time': new Date(walk.manifest!.startTime).toISOString(),
    });
  });

  it('streams in row groups of --row-group-size rows, with the same rows', async () => {
    const file = join(base, 'small-groups.parquet');
    await runCliOk(['export', join(base, 'walk-2'), '-o', file, '--row-group-size', '500', '--quiet']);
    const groups = await duckRows(
      `SELECT row_group_id, max(row_group_num_rows) AS n FROM parquet_metadata(${sqlPath(file)}) GROUP BY row_group_id ORDER BY row_group_id`,
    );
    const sizes = groups.map((g) => Number(g.n));
    expect(sizes).toHaveLength(Math.ceil(truth.length / 500));
    expect(sizes.slice(0, -1).every((n) => n === 500)).toBe(true);
    expect(sizes.at(-1)).toBe(truth.length - 500 * (sizes.length - 1));
    expect(diffRecords(await parquetRecs(file), truth)).toEqual([]);
  });
});

describe('export command', () => {
  it('refuses an existing file (one line, exit 2, file untouched); --force replaces it', async () => {
    const file = join(base, 'taken.parquet');
    writeFileSync(file, 'keep me');
    const r = await runCli(['export', join(base, 'walk-1'), '-o', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`pwalk-ts: export: ${file} exists (use --force to replace it)\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    await runCliOk(['export', join(base, 'walk-1'), '-o', file, '--force', '--quiet']);
    expect(diffRecords(await parquetRecs(file), truth)).toEqual([]);
    expect(readdirSync(base).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('on a full disk: one line, exit 2, and neither the file nor a temporary file is left', async (ctx) => {
    const full = join(base, 'full');
    const reason = mountTmpfs(full, '16k');
    if (reason !== null) {
      console.warn(`skipping the full-disk export test: cannot mount a tmpfs (${reason})`);
      ctx.skip();
    }
    mounted.push(full);
    const file = join(full, 'entries.parquet');
    const r = await runCli(['export', join(base, 'walk-1'), '-o', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pwalk-ts: export: cannot write \S+: no space left on device \(ENOSPC\)\n$/);
    expect(readdirSync(full)).toEqual([]);
  });

  it('SIGINT mid-export: exit 130, one line, neither the file nor a temporary file is left', async () => {
    // A walk long enough to interrupt: walk-2 plus its thread files copied 60 times under new names (the reader reads them all).
    const big = join(base, 'walk-big');
    cpSync(join(base, 'walk-2'), big, { recursive: true });
    const threadFiles = readdirSync(big).filter((n) => n.startsWith('thread_'));
    for (let copy = 0; copy < 60; copy++) {
      for (const name of threadFiles) copyFileSync(join(big, name), join(big, `thread_copy${copy}_${name.slice('thread_'.length)}`));
    }
    const out = join(base, 'interrupted');
    mkdirSync(out);
    const file = join(out, 'entries.parquet');
    const child = spawn(process.execPath, [CLI, 'export', big, '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // interrupt once the temporary file exists, i.e. mid-export
    const started = Date.now();
    while (child.exitCode === null && readdirSync(out).length === 0 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    const code = await exited;
    expect(stderr).toBe(`pwalk-ts: export: SIGINT: stopped; ${file} was not written\n`);
    expect(code).toBe(130);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a usage error is one line and exit 2', async () => {
    const r = await runCli(['export', join(base, 'walk-1')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('pwalk-ts: --output: give the file to write: -o FILE\n');
    const f = await runCli(['export', join(base, 'walk-1'), '-o', join(base, 'x.csv'), '--format', 'csv']);
    expect(f.stderr).toBe('pwalk-ts: --format: format must be parquet or ncdu\n');
  });

  it('an empty folder: its one row; the errors export: no rows, the same types', async () => {
    const empty = join(base, 'empty');
    mkdirSync(empty);
    const walk = join(base, 'walk-empty');
    await runCliOk([empty, '--out', walk, '--quiet']);
    const file = join(base, 'empty.parquet');
    await runCliOk(['export', walk, '-o', file, '--quiet']);
    const t = groundTruth(empty).entries;
    const recs = await parquetRecs(file);
    expect(recs).toHaveLength(1);
    expect(diffRecords(recs, t, { ignore: ['atime'] })).toEqual([]);
    const errors = join(base, 'empty-errors.parquet');
    const r = await runCliOk(['export', walk, '-o', errors, '--errors']);
    expect(r.stderr).toMatch(/^pwalk-ts: 0 error records -> /);
    expect(await duckRows(`SELECT count(*) AS n FROM read_parquet(${sqlPath(errors)})`)).toEqual([{ n: 0n }]);
    expect(await parquetTypes(errors)).toEqual(ERROR_COLUMN_TYPES);
  });

  it('a --compact walk: the attributes it lacks are NULL, the rest as the ground truth', async () => {
    const walk = join(base, 'walk-compact');
    await runCliOk([tree, '--out', walk, '--compact', '--threads', '2', '--quiet']);
    const file = join(base, 'compact.parquet');
    await runCliOk(['export', walk, '-o', file, '--quiet']);
    const recs = await parquetRecs(file);
    expect(diffRecords(recs, truth, { ignore: COMPACT_NULL_KEYS })).toEqual([]);
    for (const k of COMPACT_NULL_KEYS) expect(recs.filter((r) => r[k] !== null).map((r) => `${k} ${showPath(r.pathBytes)}`)).toEqual([]);
    const [nulls] = await duckRows(
      `SELECT count(*) FILTER (allocated IS NOT NULL OR atime IS NOT NULL OR ctime IS NOT NULL) AS filled, count(*) FILTER (mtime IS NULL) AS no_mtime FROM read_parquet(${sqlPath(file)})`,
    );
    expect(nulls).toEqual({ filled: 0n, no_mtime: 0n });
    expect(await parquetTypes(file)).toEqual(ENTRY_COLUMN_TYPES);
  });

  it('times past what a microsecond timestamp holds: NULL there, exact in the *_s columns', async (ctx) => {
    const far = join(base, 'far');
    const reason = mountTmpfs(far, '1m');
    if (reason !== null) {
      console.warn(`skipping the far-times test: cannot mount a tmpfs (its times are not clamped like ext4's) (${reason})`);
      ctx.skip();
    }
    mounted.push(far);
    const seconds = { future: 10n ** 13n, past: -(10n ** 13n), last: MAX_TIMESTAMP_SECONDS, first: -MAX_TIMESTAMP_SECONDS };
    py(
      `
import os, sys, json
for name, s in json.loads(sys.argv[2]).items():
    p = os.path.join(sys.argv[1], name)
    open(p, "w").close()
    os.utime(p, (int(s), int(s)))
`,
      far,
      JSON.stringify(Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, v.toString()]))),
    );
    const t = groundTruth(far).entries;
    for (const [name, s] of Object.entries(seconds)) expect(t.find((r) => r.path.endsWith(`/${name}`))?.mtime).toBe(s);
    const walk = join(base, 'walk-far');
    await runCliOk([far, '--out', walk, '--quiet']);
    const file = join(base, 'far.parquet');
    await runCliOk(['export', walk, '-o', file, '--quiet']);
    expect(diffRecords(await parquetRecs(file), t, { ignore: ['atime'] })).toEqual([]);
    const rows = await duckRows(`SELECT path, mtime, atime, mtime_s, atime_s FROM read_parquet(${sqlPath(file)}) WHERE type = 'file' ORDER BY path`);
    const byName = Object.fromEntries(rows.map((r) => [String(r.path).split('/').pop()!, r]));
    for (const name of ['future', 'past']) {
      expect(byName[name]).toMatchObject({
        mtime: null,
        atime: null,
        mtime_s: seconds[name as keyof typeof seconds],
        atime_s: seconds[name as keyof typeof seconds],
      });
    }
    for (const name of ['last', 'first']) {
      const s = seconds[name as keyof typeof seconds];
      expect((byName[name]!.mtime as DuckDBTimestampTZValue).micros).toBe(s * 1_000_000n);
      expect(byName[name]!.mtime_s).toBe(s);
    }
  });
});

const OFFSET = (1n << 63n) + (1n << 60n);
const fuseSkip = slowfsSkipReason();

describe.skipIf(fuseSkip !== null)('inodes past 2^63 (FUSE mirror with offset inodes)', () => {
  let mount: SlowfsMount | undefined;
  let mnt: string;
  let inoTruth: Rec[];

  beforeAll(async () => {
    const src = join(base, 'ino-src');
    mnt = join(base, 'ino-mnt');
    for (let i = 0; i < 30; i++) mkdirSync(join(src, `d${i}`, 'sub'), { recursive: true });
    writeFileSync(join(src, 'd0', 'f'), 'f');
    mkdirSync(mnt);
    settleAtimes(src);
    mount = await mountSlowfs(src, mnt, ['--ino-offset', String(OFFSET), '--delay-ms', '0']);
    inoTruth = groundTruth(mnt).entries;
  });

  afterAll(async () => {
    await mount?.unmount();
  });

  it.each(THREADS)('--threads %i: every inode and parent inode exact as UBIGINT', async (threads) => {
    expect(inoTruth.every((r) => r.inode! >= 1n << 63n)).toBe(true);
    const walk = join(base, `walk-ino-${threads}`);
    await runCliOk([mnt, '--out', walk, '--threads', String(threads), '--quiet']);
    const file = join(base, `ino-${threads}.parquet`);
    await runCliOk(['export', walk, '-o', file, '--quiet']);
    expect(diffRecords(await parquetRecs(file), inoTruth)).toEqual([]);
    const [max] = await duckRows(`SELECT max(inode) AS m, typeof(max(inode)) AS t FROM read_parquet(${sqlPath(file)})`);
    expect(max).toEqual({ m: inoTruth.reduce((m, r) => (r.inode! > m ? r.inode! : m), 0n), t: 'UBIGINT' });
  });
});

if (fuseSkip !== null) console.warn(`skipping the FUSE inode export tests: ${fuseSkip}`);
