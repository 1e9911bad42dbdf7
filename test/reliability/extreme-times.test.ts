// Times any user can give a file that JavaScript numbers and Dates cannot hold (issue 18,
// defects 4 and 5): tmpfs stores any i64 of seconds, so `touch -d @9223372036854775807`
// in /dev/shm plants 2^63 - 1. Every output must give the kernel's value exactly (the
// walk stores i64 seconds; the losses were conversions through doubles), usage must put
// it in the right age bucket, and largest, report and diff must show its date by
// isoDate's rule (ISO 8601, expanded years past 9999) instead of dying on RangeError.
// The tree is on a tmpfs this file mounts; the truth is Python's os.lstat.
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetRecs, duckRows, sqlPath } from '../helpers/duckdb.js';
import { cliEntries, diffRecords, groundTruth, settleAtimes, type Rec } from '../helpers/records.js';
import { describeRoutes } from '../helpers/routes.js';
import { parseCsv, parseJsonExact, parseNdjson, runCli, type CliResult, type Route } from '../helpers/run-cli.js';
import { makeTempBase, mountTmpfs, py, removeTempBase } from '../helpers/trees.js';

const TWO_53 = 2n ** 53n;
/** The times asked for; the kernel's answer (os.lstat) is what outputs are compared with. */
const ASKED = [TWO_53, -TWO_53, TWO_53 + 1n, -(TWO_53 + 1n), 2n ** 63n - 1n, -(2n ** 63n), 9_400_000_000_000n, 0n, -1n];
const YEAR_3 = 3n * 365n * 86_400n;
/** The largest whole second a Parquet/DuckDB timestamp (INT64 microseconds) holds. */
const MAX_TIMESTAMP_SECONDS = 9_223_372_036_854n;

let base: string;
let mnt: string | null = null;
let reason = '';
let oldWalk: string;
/** os.lstat of every entry, after the walks' directory reads have settled the atimes. */
let truth: Rec[];
const byPath = new Map<string, Rec>();
/** What the kernel kept of each asked time (tmpfs: all of them, exactly). */
let accepted: { asked: bigint; stored: bigint }[];

/** The expected date of whole seconds, computed apart from isoDate: Python's proleptic calendar over 400-year cycles. */
function expectedDates(seconds: readonly bigint[]): Map<bigint, string> {
  const out = py(
    `
import sys, datetime
for a in sys.argv[1:]:
    s = int(a)
    cycles, day = divmod(s // 86400 + datetime.date(1970, 1, 1).toordinal() - 1, 146097)
    d = datetime.date.fromordinal(day + 1)
    y = d.year + 400 * cycles
    ys = "%04d" % y if 0 <= y <= 9999 else ("+" if y > 0 else "-") + "%06d" % abs(y)
    print("%s-%02d-%02d" % (ys, d.month, d.day))
`,
    ...seconds.map(String),
  )
    .trim()
    .split('\n');
  return new Map(seconds.map((s, i) => [s, out[i]!]));
}

function touch(path: string, seconds: bigint, only: '-a' | '-m' | null): void {
  execFileSync('touch', [...(only === null ? [] : [only]), '-d', `@${seconds}`, '--', path]);
}

function rec(path: string): Rec {
  const r = byPath.get(path);
  if (r === undefined) throw new Error(`no ground truth for ${path}`);
  return r;
}

function noCrash(r: CliResult): void {
  expect(r.stderr).not.toMatch(/RangeError|internal error|\n\s+at /);
  expect(r.code, r.stderr).toBe(0);
}

const skipped = (ctx: { skip: () => void }): void => {
  if (mnt !== null) return;
  console.warn(`skipping the extreme-times tests: cannot mount a tmpfs (${reason})`);
  ctx.skip();
};

beforeAll(async () => {
  base = makeTempBase('times');
  const where = join(base, 'mnt');
  const failed = mountTmpfs(where, 'size=4m,mode=0755', 'pwalk-test-times');
  if (failed !== null) {
    reason = failed;
    return;
  }
  mnt = where;
  // The diff's old side: `shift` at 2^53, then moved one second (same size) so only an exact compare sees it.
  writeFileSync(join(mnt, 'shift'), 'shift');
  touch(join(mnt, 'shift'), TWO_53, null);
  oldWalk = join(base, 'old');
  const old = await runCli([mnt, '--out', oldWalk, '--quiet']);
  expect(old.code, old.stderr).toBe(0);
  touch(join(mnt, 'shift'), TWO_53 + 1n, null);
  ASKED.forEach((t, i) => {
    // Sizes differ so that largest and the report list them in a known order.
    const both = join(mnt!, `both-${i}`);
    writeFileSync(both, 'x'.repeat(100 + i));
    touch(both, t, null);
    const atime = join(mnt!, `atime-${i}`);
    writeFileSync(atime, 'x'.repeat(10 + i));
    touch(atime, t, '-a');
  });
  // A symlink's own times (the TypeScript route re-stats it without following it).
  symlinkSync('nowhere', join(mnt, 'link'));
  execFileSync('touch', ['-h', '-d', `@${2n ** 63n - 1n}`, '--', join(mnt, 'link')]);
  settleAtimes(mnt);
  truth = groundTruth(mnt).entries;
  for (const r of truth) byPath.set(r.path, r);
  accepted = ASKED.map((t, i) => ({ asked: t, stored: rec(join(mnt!, `both-${i}`)).mtime! }));
  console.info(`tmpfs stores (asked -> os.lstat): ${accepted.map((a) => `${a.asked} -> ${a.stored}`).join(', ')}`);
});

afterAll(() => {
  if (mnt !== null) execFileSync('umount', [mnt]);
  removeTempBase(base);
});

describe('the kernel', () => {
  it('keeps every asked time on tmpfs (so the walks below see them)', (ctx) => {
    skipped(ctx);
    expect(accepted.filter((a) => a.asked !== a.stored)).toEqual([]);
    // ctime cannot be set: it stays the time of the last change.
    expect(truth.every((r) => r.ctime! > 1_600_000_000n && r.ctime! < 2n ** 40n)).toBe(true);
  });
});

describeRoutes((route: Route) => {
  let walk: string;
  let startS: bigint;

  beforeAll(async () => {
    if (mnt === null) return;
    walk = join(base, `walk-${route}`);
    const r = await runCli([mnt, '--out', walk, '--quiet'], { route });
    expect(r.code, r.stderr).toBe(0);
    const info = parseJsonExact((await runCli(['info', walk, '--json'])).stdout) as { manifest: { startTime: bigint } };
    startS = info.manifest.startTime / 1000n;
  });

  it('cat --format ndjson gives every time exactly', async (ctx) => {
    skipped(ctx);
    const cat = await runCli(['cat', walk, '--format', 'ndjson']);
    expect(cat.code, cat.stderr).toBe(0);
    const problems: string[] = [];
    const got = cliEntries(cat.stdout, problems);
    expect(problems).toEqual([]);
    expect(diffRecords(got, truth)).toEqual([]);
  });

  it('cat --format csv and --format pwalk give every time exactly', async (ctx) => {
    skipped(ctx);
    const csv = await runCli(['cat', walk, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const [head, ...rows] = parseCsv(csv.stdoutBytes);
    const col = (name: string): number => head!.findIndex((f) => f.toString() === name);
    const times = (r: Rec): string[] => [String(r.atime), String(r.mtime), String(r.ctime)];
    const fromCsv = rows.map((f) => [f[col('path')]!.toString(), ...['atime', 'mtime', 'ctime'].map((k) => f[col(k)]!.toString())]);
    expect(fromCsv).toEqual(fromCsv.map(([path]) => [path, ...times(rec(path!))]));
    expect(fromCsv.length).toBe(truth.length);

    const pw = await runCli(['cat', walk, '--format', 'pwalk']);
    expect(pw.code, pw.stderr).toBe(0);
    // pwalk's columns: ... "filename" (3) ... st_atime (12), st_mtime (13), st_ctime (14).
    const fromPwalk = parseCsv(pw.stdoutBytes, 'lf').map((f) => [f[3]!.toString(), f[12]!.toString(), f[13]!.toString(), f[14]!.toString()]);
    expect(fromPwalk).toEqual(fromPwalk.map(([path]) => [path, ...times(rec(path!))]));
    expect(fromPwalk.length).toBe(truth.length);
  });

  it('sql gives mtime_s, atime_s, ctime_s exactly, and the timestamp or NULL past its range', async (ctx) => {
    skipped(ctx);
    const q = await runCli(['sql', walk, 'SELECT path, mtime_s, atime_s, ctime_s, mtime FROM entries ORDER BY path', '--json', '--no-cache']);
    expect(q.code, q.stderr).toBe(0);
    const rows = parseJsonExact(q.stdout) as { path: string; mtime_s: bigint; atime_s: bigint; ctime_s: bigint; mtime: string | null }[];
    expect(rows.length).toBe(truth.length);
    for (const row of rows) {
      const r = rec(row.path);
      expect([row.path, row.mtime_s, row.atime_s, row.ctime_s]).toEqual([row.path, r.mtime, r.atime, r.ctime]);
      const inRange = r.mtime! <= MAX_TIMESTAMP_SECONDS && r.mtime! >= -MAX_TIMESTAMP_SECONDS;
      if (!inRange) expect([row.path, row.mtime]).toEqual([row.path, null]);
      else expect([row.path, Date.parse(`${row.mtime!.replace(' ', 'T')}:00`) / 1000]).toEqual([row.path, Number(r.mtime)]);
    }
  });

  it('export to Parquet holds every time exactly (read back by DuckDB), timestamps NULL past their range', async (ctx) => {
    skipped(ctx);
    const file = join(base, `entries-${route}.parquet`);
    const ex = await runCli(['export', walk, '-o', file, '--force']);
    expect(ex.code, ex.stderr).toBe(0);
    expect(diffRecords(await parquetRecs(file), truth)).toEqual([]);
    const stamps = await duckRows(`SELECT path, epoch(mtime) AS m, epoch(atime) AS a FROM read_parquet(${sqlPath(file)})`);
    const expectStamp = (t: bigint | null): number | null => (t! > MAX_TIMESTAMP_SECONDS || t! < -MAX_TIMESTAMP_SECONDS ? null : Number(t));
    expect(stamps.map((s) => [s.path, s.m, s.a])).toEqual(
      stamps.map((s) => [s.path, expectStamp(rec(String(s.path)).mtime), expectStamp(rec(String(s.path)).atime)]),
    );
  });

  it('usage --by mtime and --by atime put far-future times in future and far-past ones in > 3 y', async (ctx) => {
    skipped(ctx);
    for (const by of ['mtime', 'atime'] as const) {
      const u = await runCli(['usage', walk, '--by', by, '--json']);
      expect(u.code, u.stderr).toBe(0);
      const buckets = Object.fromEntries(parseNdjson(u.stdout).map((o) => [o.key as string, o.entries as bigint]));
      const times = truth.map((r) => r[by]!);
      expect([by, buckets.future, buckets.gt3y]).toEqual([
        by,
        BigInt(times.filter((t) => t > startS).length),
        BigInt(times.filter((t) => t <= startS - YEAR_3).length),
      ]);
    }
  });

  it('largest exits 0 and shows the exact times and their dates by the one rule', async (ctx) => {
    skipped(ctx);
    const json = await runCli(['largest', walk, '--top', '100', '--json']);
    noCrash(json);
    const files = parseNdjson(json.stdout) as { path: string; mtime: bigint; atime: bigint }[];
    expect(files.length).toBe(truth.filter((r) => r.type === 'file').length);
    expect(files.map((f) => [f.path, f.mtime, f.atime])).toEqual(files.map((f) => [f.path, rec(f.path).mtime, rec(f.path).atime]));

    const text = await runCli(['largest', walk, '--top', '100']);
    noCrash(text);
    const dates = expectedDates(truth.map((r) => r.mtime!));
    const lines = text.stdout.split('\n').slice(1, -1);
    expect(lines.length).toBe(files.length);
    for (const line of lines) {
      const path = line.slice(line.indexOf(mnt!));
      expect(line).toContain(`  ${dates.get(rec(path).mtime!)!}  `);
    }
    expect(text.stdout).toContain('+292277026596-12-04');
  });

  it('report --html --json exits 0; the JSON holds the exact times and the page their dates', async (ctx) => {
    skipped(ctx);
    const html = join(base, `report-${route}.html`);
    const json = join(base, `report-${route}.json`);
    const r = await runCli(['report', walk, '--html', html, '--json', json, '--top', '100', '--quiet']);
    noCrash(r);
    const doc = parseJsonExact(readFileSync(json, 'utf8')) as { largestFiles: { path: string; mtime: bigint; atime: bigint }[] };
    expect(doc.largestFiles.length).toBe(truth.filter((e) => e.type === 'file').length);
    expect(doc.largestFiles.map((f) => [f.path, f.mtime, f.atime])).toEqual(doc.largestFiles.map((f) => [f.path, rec(f.path).mtime, rec(f.path).atime]));
    const page = readFileSync(html, 'utf8');
    const dates = expectedDates(doc.largestFiles.flatMap((f) => [f.mtime, f.atime]));
    for (const d of dates.values()) expect(page).toContain(`>${d}<`);
  });

  it('diff exits 0, sees a one-second change past 2^53, and shows the new files exactly', async (ctx) => {
    skipped(ctx);
    const html = join(base, `diff-${route}.html`);
    const json = join(base, `diff-${route}.json`);
    const r = await runCli(['diff', oldWalk, walk, '--html', html, '--json', json, '--top', '100', '--quiet']);
    noCrash(r);
    const doc = parseJsonExact(readFileSync(json, 'utf8')) as { modified: { files: bigint }; largestNew: { path: string; mtime: bigint }[] };
    // `shift` only: the root directory's own change does not count.
    expect(doc.modified.files).toBe(1n);
    expect(doc.largestNew.length).toBe(2 * ASKED.length);
    expect(doc.largestNew.map((f) => [f.path, f.mtime])).toEqual(doc.largestNew.map((f) => [f.path, rec(f.path).mtime]));
    const page = readFileSync(html, 'utf8');
    for (const d of expectedDates(doc.largestNew.map((f) => f.mtime)).values()) expect(page).toContain(`>${d}<`);
  });
});
