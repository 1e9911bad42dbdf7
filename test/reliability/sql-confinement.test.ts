// `pwalk-ts sql` runs as root over trees anyone writes: a query may read the walk's two
// views and nothing else. Every way out we know of (COPY TO, reading or globbing
// another file, another walk's cached Parquet, ATTACH, EXPORT, INSTALL/LOAD, turning
// the settings back, logging or profiling) is one line `pwalk-ts: sql: ...`, exit 2,
// with nothing written and nothing of the secret file printed, on the cached and the
// --no-cache paths. An empty query is one line of ours. The README's queries, --json,
// --csv and a query spilling past a small --memory-limit still answer as the ground
// truth (Python lstat) says.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundTruth, settleAtimes, type Rec } from '../helpers/records.js';
import { CLI, parseCsv, parseJsonExact, REPO, runCli, runCliOk, type CliResult } from '../helpers/run-cli.js';
import { buildWideTree, makeTempBase, removeTempBase } from '../helpers/trees.js';

const SECRET = randomBytes(16).toString('hex');
const MODES = [
  ['cached', []],
  ['--no-cache', ['--no-cache']],
] as const;

let base: string;
let tree: string;
let walk: string;
let staging: string;
let home: string;
let secretFile: string;
/** The cached entries.parquet of another walk: a query of `walk` must not read it. */
let otherWalkFile: string;
let truth: Rec[];
const savedEnv = { HOME: process.env['HOME'], XDG_CACHE_HOME: process.env['XDG_CACHE_HOME'] };

function sql(query: string, flags: readonly string[] = [], timeoutMs = 60_000): Promise<CliResult> {
  return runCli(['sql', walk, query, '--temp-dir', staging, ...flags], { timeoutMs });
}

function expectRefused(r: CliResult): void {
  expect(r.stderr).toMatch(/^pwalk-ts: sql: [^\n]+\n$/);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toContain(SECRET);
}

beforeAll(async () => {
  base = makeTempBase('sql-confinement');
  tree = join(base, 'tree');
  staging = join(base, 'staging');
  home = join(base, 'home');
  secretFile = join(base, 'secret.csv');
  mkdirSync(staging);
  mkdirSync(home);
  writeFileSync(secretFile, `token\n${SECRET}\n`);
  // The children's home (where DuckDB would install extensions) and cache: never the user's own.
  process.env['HOME'] = home;
  process.env['XDG_CACHE_HOME'] = join(base, 'xdg-cache');
  buildWideTree(tree, 3, 4);
  writeFileSync(join(tree, 'a0', 'big'), Buffer.alloc(70_000, 1));
  writeFileSync(join(tree, 'a1', 'old'), 'x'.repeat(1234));
  utimesSync(join(tree, 'a1', 'old'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
  walk = join(base, 'walk');
  await runCliOk([tree, '--out', walk, '--quiet']);
  const other = join(base, 'other-walk');
  await runCliOk([join(tree, 'a2'), '--out', other, '--quiet']);
  const cacheDir = join(base, 'xdg-cache', 'pwalk-ts', 'sql');
  await runCliOk(['sql', other, 'SELECT 1']);
  const [entry] = readdirSync(cacheDir);
  otherWalkFile = join(cacheDir, entry!, 'entries.parquet');
  expect(existsSync(otherWalkFile)).toBe(true);
}, 120_000);

afterAll(() => {
  // checked once at the end: the concurrent tests share the staging folder
  expect(readdirSync(staging), 'the staging folder is left behind').toEqual([]);
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  removeTempBase(base);
});

describe.each(MODES)('%s', (_mode, flags) => {
  describe.concurrent('refused: one line, exit 2, nothing written or read', () => {
    it('COPY ... TO a file: the file is not created', async () => {
      const target = join(base, `copied${flags.length}.csv`);
      expectRefused(await sql(`COPY (SELECT * FROM entries) TO '${target}'`, flags));
      expect(existsSync(target)).toBe(false);
    });

    it.each(['read_csv', 'read_text', 'read_blob'])('%s of a file outside the walk: its content never appears', async (fn) => {
      expectRefused(await sql(`SELECT * FROM ${fn}('${secretFile}')`, flags));
    });

    it.each(['/root/*', '<base>/*'])('glob(%s)', async (pattern) => {
      expectRefused(await sql(`SELECT * FROM glob('${pattern.replace('<base>', base)}')`, flags));
    });

    it("another walk's cached Parquet file", async () => {
      expectRefused(await sql(`SELECT * FROM read_parquet('${otherWalkFile}')`, flags));
    });

    it('ATTACH a new database, EXPORT DATABASE: nothing is created', async () => {
      const db = join(base, `new${flags.length}.db`);
      const exported = join(base, `exported${flags.length}`);
      expectRefused(await sql(`ATTACH '${db}' AS x`, flags));
      expectRefused(await sql(`EXPORT DATABASE '${exported}'`, flags));
      expect(existsSync(db)).toBe(false);
      expect(existsSync(exported)).toBe(false);
    });

    it('INSTALL and LOAD httpfs: nothing is fetched or written under $HOME', async () => {
      expectRefused(await sql('INSTALL httpfs', flags, 30_000));
      expectRefused(await sql('LOAD httpfs', flags));
      expect(readdirSync(home)).toEqual([]);
    });

    it('settings cannot be turned back: SET enable_external_access, SET/RESET lock_configuration, PRAGMA', async () => {
      expectRefused(await sql(`SET enable_external_access = true; SELECT * FROM read_csv('${secretFile}')`, flags));
      expectRefused(await sql('SET lock_configuration = false', flags));
      expectRefused(await sql('RESET lock_configuration', flags));
      expectRefused(await sql('PRAGMA enable_profiling', flags));
    });

    it('logging and profiling to a file, SQL run from a string', async () => {
      const logs = join(base, `logs${flags.length}`);
      expectRefused(await sql(`CALL enable_logging(storage = 'file', storage_path = '${logs}')`, flags));
      // the same as a SELECT, in capitals: DuckDB would abort at shutdown after refusing the file
      expectRefused(await sql(`SELECT * FROM ENABLE_LOGGING(storage = 'file', storage_path = '${logs}')`, flags));
      expectRefused(await sql('SELECT * FROM enable_profiling()', flags));
      expectRefused(await sql(`SELECT * FROM query('SELECT * FROM read_text(''${secretFile}'')')`, flags));
      expect(existsSync(logs)).toBe(false);
    });
  });

  describe.concurrent('still works', () => {
    it('README: bytes per type, as a table, --json and --csv', async () => {
      const query = 'SELECT type, count(*) AS n, sum(size) AS bytes FROM entries GROUP BY type ORDER BY bytes DESC, type';
      const expected = new Map<string, { n: bigint; bytes: bigint }>();
      for (const t of truth) {
        const e = expected.get(t.type) ?? { n: 0n, bytes: 0n };
        expected.set(t.type, { n: e.n + 1n, bytes: e.bytes + t.size! });
      }
      const want = [...expected].sort((a, b) => (a[1].bytes === b[1].bytes ? (a[0] < b[0] ? -1 : 1) : a[1].bytes > b[1].bytes ? -1 : 1));
      const json = await sql(query, [...flags, '--json']);
      expect(json.stderr).toBe('');
      expect(json.code).toBe(0);
      expect(parseJsonExact(json.stdout)).toEqual(want.map(([type, e]) => ({ type, n: e.n, bytes: e.bytes })));
      const csv = await sql(query, [...flags, '--csv']);
      expect(csv.code).toBe(0);
      expect(parseCsv(csv.stdoutBytes).map((row) => row.map(String))).toEqual([
        ['type', 'n', 'bytes'],
        ...want.map(([type, e]) => [type, String(e.n), String(e.bytes)]),
      ]);
      const table = await sql(query, flags);
      expect(table.code).toBe(0);
      expect(
        table.stdout
          .split('\n')
          .slice(2, -2)
          .map((l) => l.trim().split(/\s+/)),
      ).toEqual(want.map(([type, e]) => [type, String(e.n), String(e.bytes)]));
    });

    it('README: old files, du -s with hard links once, the errors view', async () => {
      const old = await sql('SELECT path, size FROM entries WHERE mtime < now() - INTERVAL 3 YEAR ORDER BY size DESC LIMIT 20', [...flags, '--json']);
      expect(old.code).toBe(0);
      const cutoff = BigInt(Math.floor(Date.now() / 1000) - 3 * 366 * 86400);
      const olds = truth.filter((t) => t.mtime! < cutoff);
      expect(olds.length).toBe(1);
      expect(parseJsonExact(old.stdout)).toEqual(olds.map((t) => ({ path: t.pathBytes.toString('utf8'), size: t.size })));
      const du = await sql('SELECT sum(allocated) AS a FROM (SELECT DISTINCT ON (dev, inode) allocated FROM entries)', [...flags, '--json']);
      expect(du.code).toBe(0);
      const seen = new Map(truth.map((t) => [`${t.dev}:${t.inode}`, t.blocks! * 512n]));
      expect(parseJsonExact(du.stdout)).toEqual([{ a: [...seen.values()].reduce((x, y) => x + y, 0n) }]);
      const errors = await sql('SELECT path, syscall, code FROM errors', [...flags, '--csv']);
      expect(errors.code).toBe(0);
      expect(parseCsv(errors.stdoutBytes).map((row) => row.map(String))).toEqual([['path', 'syscall', 'code']]);
    });

    it('DESCRIBE, SUMMARIZE and the views read through read_parquet under the lock', async () => {
      const r = await sql('SELECT count(*) AS n FROM entries', [...flags, '--json']);
      expect(r.code).toBe(0);
      expect(parseJsonExact(r.stdout)).toEqual([{ n: BigInt(truth.length) }]);
      const described = await sql('DESCRIBE entries', [...flags, '--csv']);
      expect(described.code).toBe(0);
      expect(described.stdout).toContain('"parent_inode"');
      expect((await sql('SUMMARIZE errors', flags)).code).toBe(0);
    });
  });

  it('a query past --memory-limit spills to --temp-dir and answers right', async () => {
    // About 3 M rows of 40-byte strings to sort: several times 64 MB.
    const copies = Math.ceil(3_000_000 / truth.length);
    const query = `SELECT count(*) AS n, max(x) AS top FROM (SELECT DISTINCT e.path || '#' || r.i AS x FROM entries e, range(${copies}) r(i))`;
    const child = spawn(process.execPath, [CLI, 'sql', walk, query, '--json', '--memory-limit', '64MB', '--temp-dir', staging, ...flags], {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // DuckDB's spill files live in the staging folder's duckdb/ while the query runs.
    let spilled = 0;
    const poll = setInterval(() => {
      for (const dir of readdirSync(staging)) {
        try {
          spilled = Math.max(spilled, readdirSync(join(staging, dir, 'duckdb')).length);
        } catch {
          // not created yet, or already removed
        }
      }
    }, 10);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(poll);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const paths = truth.map((t) => t.pathBytes.toString('utf8'));
    // each path's largest row ends in the largest number as text; ASCII paths compare as DuckDB does
    const lastCopy = Array.from({ length: copies }, (_, i) => String(i)).reduce((a, b) => (a > b ? a : b));
    const top = paths.map((p) => `${p}#${lastCopy}`).reduce((a, b) => (a > b ? a : b));
    expect(parseJsonExact(stdout)).toEqual([{ n: BigInt(paths.length * copies), top }]);
    expect(spilled).toBeGreaterThan(0);
  }, 60_000);
});

describe('an empty query is one line of ours, exit 2', () => {
  it.each(['', '   ', '\n\t', '/* nothing */'])('%j', async (query) => {
    const r = await sql(query);
    expect(r.stderr).toBe('pwalk-ts: sql: the query is empty: give a SELECT statement, e.g. "SELECT count(*) FROM entries"\n');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
