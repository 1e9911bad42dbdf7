// `pwalk-ts sql WALK QUERY`: the table, --json and --csv outputs parsed and compared
// with ground_truth.py (Python lstat) on a tree with hard links, sparse files past
// 4 GiB, non-UTF-8 names and names with newlines, quotes and commas, walked with 1, 2
// and 8 threads; exact integers past 2^53; the `errors` view of a walk made as nobody
// over a directory it cannot read; a bad query is one line and exit 2; the staging
// folder is removed after every run, a failed or interrupted one too. The cache (here
// under the test's own XDG_CACHE_HOME): a second query reads the cached files, not the
// walk, and answers the same (problems included); a walk rewritten in place is staged
// again and its old entry removed; --no-cache leaves the cache alone.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_COLUMN_TYPES } from './helpers/duckdb.js';
import { diffRecords, errorKeys, groundTruth, INT_KEYS, settleAtimes, type ErrRec, type Rec } from './helpers/records.js';
import { CLI, parseCsv, parseJsonExact, REPO, runCli, runCliOk } from './helpers/run-cli.js';
import { buildEdgeTree, makeTempBase, removeTempBase } from './helpers/trees.js';

const THREADS = [1, 2, 8] as const;

let base: string;
let tree: string;
let staging: string;
let truth: Rec[];
const walks = new Map<number, string>();

/** Runs `pwalk-ts sql` with the test's staging folder. */
function sql(walk: string, query: string, ...flags: string[]): ReturnType<typeof runCli> {
  return runCli(['sql', walk, query, '--temp-dir', staging, ...flags]);
}

function countsByType(recs: readonly Rec[]): Map<string, { n: bigint; bytes: bigint }> {
  const out = new Map<string, { n: bigint; bytes: bigint }>();
  for (const r of recs) {
    const t = out.get(r.type) ?? { n: 0n, bytes: 0n };
    out.set(r.type, { n: t.n + 1n, bytes: t.bytes + r.size! });
  }
  return out;
}

beforeAll(async () => {
  base = makeTempBase('sql');
  tree = join(base, 'tree');
  staging = join(base, 'staging');
  mkdirSync(staging);
  // The CLI's default cache folder, for the children this file runs: never the user's own.
  process.env['XDG_CACHE_HOME'] = join(base, 'xdg-cache');
  buildEdgeTree(tree);
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
  for (const threads of THREADS) {
    const out = join(base, `walk-${threads}`);
    await runCliOk([tree, '--out', out, '--threads', String(threads), '--quiet']);
    walks.set(threads, out);
  }
});

afterEach(() => {
  expect(readdirSync(staging), 'the staging folder is left behind').toEqual([]);
});

afterAll(() => removeTempBase(base));

describe.each(THREADS)('a walk with --threads %i', (threads) => {
  it('table: counts and bytes per type as the ground truth, aligned under a header', async () => {
    const r = await sql(walks.get(threads)!, 'SELECT type, count(*) AS n, sum(size) AS bytes FROM entries GROUP BY type ORDER BY type');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    const expected = countsByType(truth);
    expect(lines.at(-1)).toBe(`(${expected.size} rows)`);
    expect(lines[0]!.trim().split(/\s+/)).toEqual(['type', 'n', 'bytes']);
    expect(lines[1]).toMatch(/^-+ {2}-+ {2}-+$/);
    const rows = lines.slice(2, -1).map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([...expected.keys()].sort().map((t) => [t, String(expected.get(t)!.n), String(expected.get(t)!.bytes)]));
    // numbers are right-aligned: every line of the table is as long as the rule
    expect(lines.slice(0, -1).every((l) => l.length === lines[1]!.length)).toBe(true);
  });

  it('--json: every entry field by field as the ground truth (integers exact, path bytes base64)', async () => {
    const query =
      'SELECT path_bytes, type, size, blocks, mode, uid, gid, nlink, inode, parent_inode AS parentInode, dev, ' +
      'atime_s AS atime, mtime_s AS mtime, ctime_s AS ctime, depth FROM entries ORDER BY path_bytes';
    const r = await sql(walks.get(threads)!, query, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
    const rows = parseJsonExact(r.stdout) as Record<string, unknown>[];
    const recs = rows.map((o) => {
      const rec = { pathBytes: Buffer.from(String(o.path_bytes), 'base64'), path: '', type: String(o.type) } as Rec;
      for (const k of INT_KEYS) rec[k] = o[k] as bigint;
      return rec;
    });
    expect(diffRecords(recs, truth)).toEqual([]);
    expect(recs.map((x) => x.pathBytes)).toEqual(truth.map((x) => x.pathBytes));
  });

  it('--csv: exact path bytes (newlines, quotes, commas, non-UTF-8) and integers', async () => {
    const r = await sql(walks.get(threads)!, 'SELECT path_bytes, path, size, inode, mtime_s FROM entries ORDER BY path_bytes', '--csv');
    expect(r.code).toBe(0);
    const [header, ...rows] = parseCsv(r.stdoutBytes);
    expect(header!.map(String)).toEqual(['path_bytes', 'path', 'size', 'inode', 'mtime_s']);
    expect(rows.map((row) => row[0])).toEqual(truth.map((t) => t.pathBytes));
    expect(rows.map((row) => row[1]!.toString())).toEqual(truth.map((t) => t.pathBytes.toString('utf8')));
    expect(rows.map((row) => row.slice(2).map(String))).toEqual(truth.map((t) => [String(t.size), String(t.inode), String(t.mtime)]));
  });
});

describe('sql output', () => {
  it('--json keeps integers past 2^53 exact (BIGINT, UBIGINT, HUGEINT), nested values and NULL', async () => {
    const sum = truth.reduce((s, r) => s + r.size!, 0n);
    const query =
      'SELECT sum(size) * 1048577 AS big, 18446744073709551615::UBIGINT AS u64, (-9223372036854775807 - 1)::BIGINT AS i64min, ' +
      "170141183460469231731687303715884105727::HUGEINT AS h, 1.5::DOUBLE AS d, 'NaN'::DOUBLE AS nan, 12.50::DECIMAL(6,2) AS dec, " +
      "NULL AS nothing, DATE '2024-01-02' AS day, [1, 2] AS list, {'a': 9007199254740993} AS st, '\\x00\\xff'::BLOB AS b FROM entries";
    const r = await sql(walks.get(1)!, query, '--json');
    expect(r.stderr).toBe('');
    expect(parseJsonExact(r.stdout)).toEqual([
      {
        big: sum * 1048577n,
        u64: 18446744073709551615n,
        i64min: -9223372036854775808n,
        h: 170141183460469231731687303715884105727n,
        d: 1.5,
        nan: 'NaN',
        dec: 12.5,
        nothing: null,
        day: '2024-01-02',
        list: [1n, 2n],
        st: { a: 9007199254740993n },
        b: Buffer.from([0, 0xff]).toString('base64'),
      },
    ]);
    expect(sum * 1048577n).toBeGreaterThan(2n ** 53n);
    expect(r.stdout).toContain('"dec":12.50,');
  });

  it('table: control characters show as \\xNN, as in the other tables, so a row stays one line', async () => {
    const r = await sql(walks.get(1)!, "SELECT 'a' || chr(10) || 'b' || chr(27) || '[31m' || chr(133) AS t");
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['t', '-'.repeat(18), 'a\\x0ab\\x1b[31m\\x85', '(1 row)', '']);
  });

  it('--csv: NULL is an empty field, text is always quoted, CRLF line ends', async () => {
    const r = await sql(walks.get(1)!, "SELECT NULL AS a, '' AS b, 'x\"y' AS c, 7 AS d", '--csv');
    expect(r.stdout).toBe('"a","b","c","d"\r\n,"","x""y",7\r\n');
  });

  it('the entries view has the documented column types', async () => {
    const r = await sql(walks.get(1)!, 'SELECT column_name, column_type FROM (DESCRIBE entries)', '--json');
    const rows = JSON.parse(r.stdout) as { column_name: string; column_type: string }[];
    expect(Object.fromEntries(rows.map((x) => [x.column_name, x.column_type]))).toEqual(ENTRY_COLUMN_TYPES);
  });

  it('an empty result: a header and (0 rows); [] in JSON; the header alone in CSV', async () => {
    const q = "SELECT path, size FROM entries WHERE type = 'nothing'";
    expect((await sql(walks.get(1)!, q)).stdout).toBe('path  size\n----  ----\n(0 rows)\n');
    expect((await sql(walks.get(1)!, q, '--json')).stdout).toBe('[]\n');
    expect((await sql(walks.get(1)!, q, '--csv')).stdout).toBe('"path","size"\r\n');
  });
});

describe('sql failures', () => {
  it.each([
    ['a syntax error', 'SELEC 1', 'Parser Error: syntax error at or near "SELEC"'],
    ['an unknown column', 'SELECT nope FROM entries', 'Binder Error: Referenced column "nope" not found in FROM clause!'],
    ['an unknown table', 'SELECT * FROM nowhere', 'Catalog Error: Table with name nowhere does not exist!'],
    ['a failure while rows are read', 'SELECT CAST(path AS INTEGER) FROM entries', 'Conversion Error: Could not convert string'],
  ])('%s: one line naming it, exit 2, no stack', async (_what, query, message) => {
    const r = await sql(walks.get(1)!, query);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`pwalk-ts: sql: ${message}`)).toBe(true);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('usage errors are one line, exit 2', async () => {
    const both = await sql(walks.get(1)!, 'SELECT 1', '--json', '--csv');
    expect([both.code, both.stderr]).toEqual([2, 'pwalk-ts: --json and --csv exclude each other\n']);
    const missing = await runCli(['sql', walks.get(1)!]);
    expect([missing.code, missing.stderr]).toEqual([2, 'pwalk-ts: give a walk folder and a query: pwalk-ts sql WALK "SELECT ..."\n']);
    const limit = await sql(walks.get(1)!, 'SELECT 1', '--memory-limit', 'lots');
    expect([limit.code, limit.stderr]).toEqual([2, 'pwalk-ts: --memory-limit: must be a size from 1MB to 1PB such as 512MB or 4GB, got lots\n']);
    const notWalk = await sql(tree, 'SELECT 1');
    expect(notWalk.code).toBe(2);
    expect(notWalk.stderr).toMatch(/^pwalk-ts: not a walk folder: [^\n]*\n$/);
  });

  it('staging on a full disk: one line naming ENOSPC and --temp-dir, exit 2, nothing left there', async (ctx) => {
    const full = join(base, 'full');
    mkdirSync(full);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'pwalk-test-sql', full], { stdio: 'pipe' });
    } catch (err) {
      console.warn(`skipping the full staging disk test: cannot mount a tmpfs (${(err as Error).message.split('\n')[0]})`);
      ctx.skip();
    }
    try {
      const r = await runCli(['sql', walks.get(1)!, 'SELECT 1', '--temp-dir', full, '--no-cache']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^pwalk-ts: sql: staging the walk: cannot write \S+: no space left on device \(ENOSPC\) \(choose another place with --temp-dir\)\n$/,
      );
      expect(r.stdout).toBe('');
      expect(readdirSync(full)).toEqual([]);
    } finally {
      execFileSync('umount', [full]);
    }
  });

  it('SIGINT during a query: exit 130 and the staging folder is removed', async () => {
    const child = spawn(process.execPath, [CLI, 'sql', walks.get(1)!, 'SELECT count(*) FROM range(1000000000000)', '--temp-dir', staging, '--no-cache'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // wait until the query runs (the staging folder holds the exported walk)
    const started = Date.now();
    while (!readdirSync(staging).some((n) => readdirSync(join(staging, n)).includes('errors.parquet')) && Date.now() - started < 20_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).toBe('pwalk-ts: sql: SIGINT: stopped\n');
    expect(code).toBe(130);
  });
});

describe('the cache', () => {
  const cacheRoot = (): string => join(base, 'xdg-cache', 'pwalk-ts', 'sql');
  const entriesFile = (dir: string): string => {
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    expect(readdirSync(join(dir, names[0]!)).sort()).toEqual(['entries.parquet', 'errors.parquet', 'walk.json']);
    return join(dir, names[0]!, 'entries.parquet');
  };

  it('a second query reads the cached files, not the walk, and answers the same', async () => {
    const walk = join(base, 'cache-walk');
    cpSync(walks.get(2)!, walk, { recursive: true });
    const query = 'SELECT path_bytes, size, inode, mtime_s FROM entries ORDER BY path_bytes';
    const own = join(base, 'cache-hit');
    const first = await sql(walk, query, '--csv', '--cache-dir', own);
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(parseCsv(first.stdoutBytes).length - 1).toBe(truth.length);
    const file = entriesFile(own);
    const staged = statSync(file, { bigint: true });
    const second = await sql(walk, query, '--csv', '--cache-dir', own);
    expect([second.code, second.stderr, second.stdout]).toEqual([0, '', first.stdout]);
    const reread = statSync(file, { bigint: true });
    expect([reread.ino, reread.mtimeNs]).toEqual([staged.ino, staged.mtimeNs]);
  });

  it('a walk rewritten in place is staged again, and its old entry removed', async () => {
    const own = join(base, 'cache-own');
    const small = join(base, 'cache-tree');
    mkdirSync(small);
    writeFileSync(join(small, 'a'), 'a');
    const walk = join(base, 'cache-rewritten');
    await runCliOk([small, '--out', walk, '--quiet']);
    const count = async (): Promise<unknown> => parseJsonExact((await sql(walk, 'SELECT count(*) AS n FROM entries', '--json', '--cache-dir', own)).stdout);
    expect(await count()).toEqual([{ n: 2n }]);
    const old = entriesFile(own);
    writeFileSync(join(small, 'b'), 'b');
    rmSync(walk, { recursive: true });
    await runCliOk([small, '--out', walk, '--quiet']);
    expect(await count()).toEqual([{ n: 3n }]);
    expect(entriesFile(own)).not.toBe(old);
  });

  it('a damaged walk: the cached run reports the lost block as the first run did, exit 1 both times', async () => {
    const damaged = join(base, 'cache-damaged');
    cpSync(walks.get(1)!, damaged, { recursive: true });
    const file = join(damaged, 'thread_0.bin');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(file, bytes);
    const query = 'SELECT count(*) AS n FROM entries';
    const first = await sql(damaged, query, '--json');
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/^pwalk-ts: PWALK_CORRUPT_BLOCK: [^\n]*\n$/);
    const second = await sql(damaged, query, '--json');
    expect([second.code, second.stderr, second.stdout]).toEqual([1, first.stderr, first.stdout]);
  });

  it('the default folder is under XDG_CACHE_HOME; --no-cache stages in --temp-dir only; an unusable cache folder is one line, exit 2', async () => {
    const cachedDirs = (): unknown[] =>
      readdirSync(cacheRoot()).map((n) => (JSON.parse(readFileSync(join(cacheRoot(), n, 'walk.json'), 'utf8')) as { dir: unknown }).dir);
    expect(cachedDirs()).toContain(realpathSync(walks.get(1)!));
    const walk = join(base, 'cache-not-used');
    cpSync(walks.get(8)!, walk, { recursive: true });
    const r = await sql(walk, 'SELECT count(*) AS n FROM entries', '--json', '--no-cache');
    expect(parseJsonExact(r.stdout)).toEqual([{ n: BigInt(truth.length) }]);
    expect(cachedDirs()).not.toContain(realpathSync(walk));
    const own = join(base, 'cache-unusable');
    writeFileSync(own, 'a file, not a folder');
    const bad = await sql(walks.get(8)!, 'SELECT 1', '--cache-dir', join(own, 'sub'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^pwalk-ts: sql: cannot use the cache folder \S+: [^\n]*ENOTDIR[^\n]* \(choose another with --cache-dir, or --no-cache\)\n$/);
    const both = await sql(walks.get(8)!, 'SELECT 1', '--no-cache', '--cache-dir', own);
    expect([both.code, both.stderr]).toEqual([2, 'pwalk-ts: --no-cache and --cache-dir exclude each other\n']);
  });
});

describe('the errors view', () => {
  let permTruth: { entries: Rec[]; errors: ErrRec[] };
  let permWalk: string;
  let skipReason: string | null = null;

  beforeAll(async () => {
    if (process.getuid?.() !== 0) {
      skipReason = 'not running as root (the walk is made as nobody)';
      return;
    }
    const perm = join(base, 'perm');
    for (const d of ['ok/sub', 'noperm/inner']) mkdirSync(join(perm, d), { recursive: true });
    for (const f of ['ok/f', 'ok/sub/g', 'noperm/hidden']) writeFileSync(join(perm, f), f);
    chmodSync(join(perm, 'noperm'), 0o000);
    const outs = join(base, 'perm-outs');
    mkdirSync(outs);
    chownSync(outs, 65534, 65534);
    settleAtimes(perm);
    permTruth = groundTruth(perm, { asNobody: true, cwd: base });
    permWalk = join(outs, 'walk');
    const walk = await runCli([perm, '--out', permWalk, '--threads', '2', '--quiet'], { asNobody: true, cwd: base });
    expect(walk.code).toBe(1);
  });

  it('holds the unreadable directory (scandir EACCES), as the ground truth sees it', async (ctx) => {
    if (skipReason !== null) {
      console.warn(`skipping the errors-view test: ${skipReason}`);
      ctx.skip();
    }
    const r = await sql(permWalk, 'SELECT path_bytes, path, syscall, code, type FROM errors', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { path_bytes: string; path: string; syscall: string; code: string; type: string }[];
    const got = rows.map((x) => ({ pathBytes: Buffer.from(x.path_bytes, 'base64'), path: x.path, syscall: x.syscall, code: x.code }));
    expect(errorKeys(got)).toEqual(errorKeys(permTruth.errors));
    expect(rows.map((x) => [x.path.split('/').pop(), x.syscall, x.code, x.type])).toEqual([['noperm', 'scandir', 'EACCES', 'dir']]);
    const entries = await sql(permWalk, 'SELECT count(*) AS n FROM entries', '--json');
    expect(parseJsonExact(entries.stdout)).toEqual([{ n: BigInt(permTruth.entries.length) }]);
  });
});
