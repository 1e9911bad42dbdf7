// `pwalk-ts report WALK --per-owner DIR` against independent ground truth on a tree the
// test builds: every owner's figures (totals, ages, cold data, their bytes below each
// directory, their largest files) against test/helpers/usage_truth.py's own lstat walk,
// and each owner's totals against GNU `find -user NAME` / `-uid N` (`-group`, `-gid`).
// Owners have hostile names (a space and a slash, '../', bytes that are not UTF-8, two
// names differing only in case, 'index') from a passwd and group file bind-mounted over
// /etc's in a private mount namespace, so the real getent, Python's pwd and find all
// read them; one uid and one gid have no name at all.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnerIndexJson, OwnerReportJson } from '../packages/cli/src/report/owner-schema.js';
import { CLI, parseJsonExact, REPO, runCli, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, PYTHON, removeTempBase } from './helpers/trees.js';

const TRUTH = join(import.meta.dirname, 'helpers/usage_truth.py');
const BUCKETS = ['future', 'lt30d', '30to90d', '90dto1y', '1to3y', 'gt3y'] as const;
const TOP = 4;
type Tally = [bigint, bigint, bigint, bigint, bigint];
interface OwnerTruth {
  tally: Tally;
  mtime: Record<string, Tally>;
  atime: Record<string, Tally>;
  dirs: Record<string, [bigint, bigint, bigint, bigint, bigint, bigint]>;
  largest: { pathHex: string; size: bigint; allocated: bigint; uid: bigint; gid: bigint; mtime: bigint; atime: bigint }[];
}

const canUnshare = spawnSync('unshare', ['-m', 'true']).status === 0;
if (!canUnshare) console.warn('report-per-owner: skipped: no private mount namespace (unshare -m) to give owners odd names');

// Owners with their names as passwd and group list them (bytes: one is not UTF-8).
const USERS: [number, Buffer][] = [
  [4001, Buffer.from('we ird/na me')],
  [4002, Buffer.from('../escape')],
  [4003, Buffer.from([0x63, 0x61, 0x66, 0xe9])],
  [4004, Buffer.from('Alice')],
  [4005, Buffer.from('alice')],
  [4006, Buffer.from('index')],
  [4007, Buffer.from('bob')],
];
const GROUPS: [number, Buffer][] = [
  [5001, Buffer.from('staff group')],
  [5002, Buffer.from('a/b')],
];
/** Each owner's expected file name in DIR: the name when portable and unique ignoring case, else the number. */
const USER_FILES: Record<number, string> = {
  0: 'user-root',
  4001: 'user-4001',
  4002: 'user-4002',
  4003: 'user-4003',
  4004: 'user-4004',
  4005: 'user-4005',
  4006: 'user-index',
  4007: 'user-bob',
  4242424: 'user-4242424',
};
const GROUP_FILES: Record<number, string> = { 0: 'group-root', 5001: 'group-5001', 5002: 'group-5002', 5999999: 'group-5999999' };

const BUILD = String.raw`
import os, sys, time
r = os.fsencode(sys.argv[1]); R = int(time.time()); D = 86400
def w(rel, n, uid, gid, age=0, atime_age=None, sparse=False):
    p = os.path.join(r, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        if sparse: f.truncate(n)
        else: f.write(b"x" * n)
    os.chown(p, uid, gid)
    a = age if atime_age is None else atime_age
    os.utime(p, (R - a, R - age))
def d(rel, uid, gid):
    p = os.path.join(r, rel)
    os.makedirs(p, exist_ok=True)
    os.chown(p, uid, gid)
ages = [0, 10 * D, 60 * D, 200 * D, 2 * 365 * D, 4 * 365 * D]
users = [4001, 4002, 4003, 4004, 4005, 4006, 4007, 4242424, 0]
groups = [5001, 5002, 5999999, 0]
for i, uid in enumerate(users):
    d(b"home/u%d" % uid, uid, groups[i % 4])
    for j in range(3 + i):
        sub = b"home/u%d/p%d/q%d" % (uid, j % 3, j % 2)
        d(os.path.dirname(sub), uid, groups[(i + j) % 4]); d(sub, uid, groups[(i + j) % 4])
        w(sub + b"/f%02d.dat" % j, 1000 * (i + 1) + 17 * j, uid, groups[(i + j) % 4], ages[(i + j) % 6], ages[(i + 2 * j) % 6])
# A directory of one owner holding files of others.
d(b"shared", 4007, 5001)
for i, uid in enumerate(users[:4]):
    w(b"shared/from%d.bin" % uid, 50_000 * (i + 1), uid, 5002, 400 * D, 3 * 365 * D)
# Hard links: counted once, at the smaller path (home/... < shared/...; aaa/... < home/...).
w(b"home/u4001/orig.bin", 70_000, 4001, 5001, 30 * D)
os.link(os.path.join(r, b"home/u4001/orig.bin"), os.path.join(r, b"shared/link.bin"))
w(b"home/u4004/second.bin", 90_000, 4004, 5002, 5 * 365 * D)
os.makedirs(os.path.join(r, b"aaa"), exist_ok=True)
os.link(os.path.join(r, b"home/u4004/second.bin"), os.path.join(r, b"aaa/first.bin"))
# Sparse: apparent 5 GiB, nearly nothing allocated; cold.
w(b"home/u4004/disk.raw", 5 * 2**30, 4004, 5001, 2 * 365 * D, 2 * 365 * D, sparse=True)
# Names that are not UTF-8, and markup.
w(b"home/u4003/caf\xe9 <b>.txt", 4321, 4003, 5999999, 20 * D)
w(b"home/u4002/<script>alert(1)", 99, 4002, 5002, 0)
# A tiny owner for --min-bytes.
w(b"tiny/t.txt", 10, 4100, 5001)
os.chown(os.path.join(r, b"tiny"), 0, 0)
`;

let base: string;
let tree: string;
let walkDir: string;
let passwd: string;
let group: string;

/** argv that runs `argv` with the test's passwd and group over /etc's (a private mount namespace: nothing else sees them). */
function withNames(argv: string[]): [string, string[]] {
  return ['unshare', ['-m', 'sh', '-c', 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"', 'sh', passwd, group, ...argv]];
}

function runNamed(argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const [file, args] = withNames(argv);
  const r = spawnSync(file, args, { cwd: REPO, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function report(dir: string, ...flags: string[]): { status: number | null; stdout: string; stderr: string } {
  return runNamed([process.execPath, CLI, 'report', walkDir, '--per-owner', dir, '--top', String(TOP), ...flags]);
}

function truth(by: 'uid' | 'gid', startMs: bigint): Record<string, OwnerTruth> {
  const [file, args] = withNames([PYTHON, TRUTH, tree, String(startMs), String(TOP), by]);
  return (parseJsonExact(execFileSync(file, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })) as { owners: Record<string, OwnerTruth> }).owners;
}

/** An owner's totals from GNU find: every entry once, a hard-linked inode once. */
function findTally(test: string[]): Tally {
  const [file, args] = withNames(['find', tree, ...test, '-printf', '%y %s %b %n %D:%i\\n']);
  const seen = new Set<string>();
  const t: Tally = [0n, 0n, 0n, 0n, 0n];
  for (const line of execFileSync(file, args, { encoding: 'utf8' }).split('\n')) {
    if (line === '') continue;
    const [type, size, blocks, links, id] = line.split(' ');
    if (type !== 'd' && Number(links) > 1) {
      if (seen.has(id!)) continue;
      seen.add(id!);
    }
    t[0]++;
    if (type === 'f') t[1]++;
    if (type === 'd') t[2]++;
    t[3] += BigInt(size!);
    t[4] += BigInt(blocks!) * 512n;
  }
  return t;
}

const tally = (u: Record<string, any>): Tally => [u.entries, u.files, u.dirs, u.apparentBytes, u.allocatedBytes];

function pathHex(row: { path: string; pathBase64?: string }): string {
  return (row.pathBase64 === undefined ? Buffer.from(row.path) : Buffer.from(row.pathBase64, 'base64')).toString('hex');
}

/** The truth's directories of one owner ranked as the report ranks them: most first, ties in path byte order, zero never. */
function ranked(dirs: OwnerTruth['dirs'], column: 3 | 5): string[] {
  return Object.entries(dirs)
    .filter(([, f]) => f[column] > 0n)
    .sort(([a, x], [b, y]) => (x[column] > y[column] ? -1 : x[column] < y[column] ? 1 : Buffer.compare(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'))))
    .slice(0, TOP)
    .map(([hex]) => hex);
}

function readJson(file: string): any {
  return parseJsonExact(readFileSync(file, 'utf8'));
}

/** Checks every owner document in `dir` against the truth by `by`, and each owner's totals against find. */
function expectOwners(dir: string, by: 'uid' | 'gid', files: Record<number, string>, findTest: (id: number, name: string | null) => string[]): void {
  const index = readJson(join(dir, 'index.json'));
  OwnerIndexJson.parse(index);
  const truths = truth(by, index.walk.startTime);
  const named = new Map((by === 'uid' ? USERS : GROUPS).map(([id, name]) => [id, name]));
  // Every owner of the tree, largest first (ties: smaller id), under the file name expected.
  const order = Object.entries(truths)
    .sort(([a, x], [b, y]) => (x.tally[3] > y.tally[3] ? -1 : x.tally[3] < y.tally[3] ? 1 : Number(a) - Number(b)))
    .map(([id]) => BigInt(id));
  expect(index.owners.map((o: any) => o.id)).toEqual(order);
  const expectedFiles = new Set(['index.html', 'index.json']);
  let walkBytes = 0n;
  for (const t of Object.values(truths)) walkBytes += t.tally[3];
  expect(index.totals.apparentBytes).toBe(walkBytes);
  for (const row of index.owners) {
    const id = Number(row.id);
    expect(row.html, `owner ${id}`).toBe(`${files[id]}.html`);
    expect(row.json).toBe(`${files[id]}.json`);
    expectedFiles.add(row.html).add(row.json);
    const t = truths[String(id)]!;
    const doc = readJson(join(dir, row.json));
    OwnerReportJson.parse(doc);
    const kind = by === 'uid' ? 'user' : 'group';
    expect(doc.owner).toEqual({ kind, id: row.id, name: doc.owner.name });
    const name = named.get(id);
    if (name !== undefined) expect(Buffer.from(doc.owner.name)).toEqual(Buffer.from(name.toString('utf8')));
    expect(tally(doc.headline), `${kind} ${id} headline`).toEqual(t.tally);
    expect(tally(row)).toEqual(t.tally);
    expect(tally(doc.headline), `${kind} ${id} against find`).toEqual(findTally(findTest(id, name === undefined ? null : name.toString('latin1'))));
    expect(doc.headline.walkApparentBytes).toBe(walkBytes);
    expect(Number(doc.headline.share)).toBeCloseTo(Number(t.tally[3]) / Number(walkBytes), 5);
    for (const [i, b] of BUCKETS.entries()) {
      expect(doc.mtimeAge[i].bucket).toBe(b);
      expect(tally(doc.mtimeAge[i]), `${kind} ${id} mtime ${b}`).toEqual(t.mtime[b]);
      expect(tally(doc.atimeAge[i]), `${kind} ${id} atime ${b}`).toEqual(t.atime[b]);
    }
    const cold = [t.atime['1to3y']!, t.atime.gt3y!].reduce((s, x) => s.map((v, k) => v + x[k]!) as Tally, [0n, 0n, 0n, 0n, 0n] as Tally);
    expect(tally(doc.cold), `${kind} ${id} cold`).toEqual(cold);
    expect(doc.largestDirectories.map(pathHex), `${kind} ${id} largest directories`).toEqual(ranked(t.dirs, 3));
    for (const d of doc.largestDirectories) {
      const f = t.dirs[pathHex(d)]!;
      expect([d.entries, d.files, d.dirs, d.apparentBytes, d.allocatedBytes, d.coldBytes]).toEqual(f);
    }
    expect(doc.coldestDirectories.map(pathHex), `${kind} ${id} coldest directories`).toEqual(ranked(t.dirs, 5));
    expect(
      doc.largestFiles.map((f: any) => ({
        pathHex: pathHex(f),
        size: f.size,
        allocated: f.allocatedBytes,
        uid: f.uid,
        gid: f.gid,
        mtime: f.mtime,
        atime: f.atime,
      })),
      `${kind} ${id} largest files`,
    ).toEqual(t.largest);
  }
  expect(new Set(readdirSync(dir))).toEqual(expectedFiles);
}

beforeAll(async () => {
  if (!canUnshare) return;
  base = makeTempBase('per-owner');
  tree = join(base, 'tree');
  walkDir = join(base, 'walk');
  py(BUILD, tree);
  const line = (name: Buffer, id: number) => Buffer.concat([name, Buffer.from(`:x:${id}:${id}::/nonexistent:/usr/sbin/nologin\n`)]);
  passwd = join(base, 'passwd');
  group = join(base, 'group');
  writeFileSync(passwd, Buffer.concat([readFileSync('/etc/passwd'), ...USERS.map(([id, name]) => line(name, id))]));
  writeFileSync(group, Buffer.concat([readFileSync('/etc/group'), ...GROUPS.map(([id, name]) => Buffer.concat([name, Buffer.from(`:x:${id}:\n`)]))]));
  // Reading a directory moves its atime once (relatime): after this read, the walk and the truth agree.
  execFileSync('find', [tree], { stdio: 'ignore' });
  await runCliOk([tree, '--out', walkDir, '--quiet']);
});
afterAll(() => removeTempBase(base));

describe.runIf(canUnshare)('report --per-owner', () => {
  it('by user: every owner against usage_truth.py and find -user / -uid, under a safe file name', () => {
    const dir = join(base, 'by-user');
    const r = report(dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^users +10 pages in /);
    // The uid 4003's name is not UTF-8: find gets its bytes through the uid, as does every unnamed owner.
    expectOwners(dir, 'uid', { ...USER_FILES, 4100: 'user-4100' }, (id, name) => (name === null || id === 4003 ? ['-uid', String(id)] : ['-user', name]));
    // The lists are not vacuous: a hard-linked file is listed once, under its smaller path.
    const alice = readJson(join(dir, 'user-4004.json'));
    expect(alice.largestDirectories.length).toBe(TOP);
    expect(alice.coldestDirectories.length).toBeGreaterThan(0);
    const linked = alice.largestFiles.map((f: any) => f.path).filter((p: string) => /(first|second)\.bin$/.test(p));
    expect(linked).toEqual([join(tree, 'aaa/first.bin')]);
    // Nothing was written outside DIR (a name like ../escape or a/b stays a number).
    expect(readdirSync(base).sort()).toEqual(['by-user', 'group', 'passwd', 'tree', 'walk']);
  });

  it('by group: every group against usage_truth.py and find -group / -gid', () => {
    const dir = join(base, 'by-group');
    const r = report(dir, '--owners', 'group');
    expect(r.status, r.stderr).toBe(0);
    expectOwners(dir, 'gid', GROUP_FILES, (id, name) => (name === null ? ['-gid', String(id)] : ['-group', name]));
  });

  it('--min-bytes leaves small owners out, and the index says how many and how much', () => {
    const dir = join(base, 'min-bytes');
    const r = report(dir, '--min-bytes', '100KiB', '--quiet');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const index = readJson(join(dir, 'index.json'));
    const truths = truth('uid', index.walk.startTime);
    const kept = Object.entries(truths).filter(([, t]) => t.tally[3] >= 102_400n);
    const left = Object.entries(truths).filter(([, t]) => t.tally[3] < 102_400n);
    expect(left.length).toBeGreaterThan(0);
    expect(index.minBytes).toBe(102_400n);
    expect(index.owners.map((o: any) => String(o.id)).sort()).toEqual(kept.map(([id]) => id).sort());
    expect(index.omitted.owners).toBe(BigInt(left.length));
    expect(index.omitted.apparentBytes).toBe(left.reduce((s, [, t]) => s + t.tally[3], 0n));
    expect(readdirSync(dir).length).toBe(2 + 2 * kept.length);
  });

  it('the pages and documents do not depend on the thread count', async () => {
    const one = join(base, 'walk-1');
    await runCliOk([tree, '--out', one, '--threads', '1', '--quiet']);
    const a = join(base, 'threads-n');
    const b = join(base, 'threads-1');
    expect(report(a).status).toBe(0);
    expect(runNamed([process.execPath, CLI, 'report', one, '--per-owner', b, '--top', String(TOP)]).status).toBe(0);
    const strip = (text: string) => text.replace(/"generatedAt": "[^"]*"|"walk": \{[^}]*\}/g, '');
    for (const f of readdirSync(a).filter((n) => n.endsWith('.json'))) {
      expect(strip(readFileSync(join(b, f), 'utf8')), f).toBe(strip(readFileSync(join(a, f), 'utf8')));
    }
  });

  it('refuses, in one line and exit 2: a link for DIR, a FIFO planted under an owner name, a --compact walk, flags that need --per-owner', async () => {
    const target = join(base, 'elsewhere');
    mkdirSync(target);
    const link = join(base, 'link-dir');
    symlinkSync(target, link);
    let r = await runCli(['report', walkDir, '--per-owner', link]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`pwalk-ts: ${link} is a symbolic link (never followed: give the folder it points to)\n`);
    expect(readdirSync(target)).toEqual([]);

    const planted = join(base, 'planted');
    mkdirSync(planted);
    execFileSync('mkfifo', [join(planted, 'user-root.html')]);
    r = await runCli(['report', walkDir, '--per-owner', planted], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`pwalk-ts: ${join(planted, 'user-root.html')} is a FIFO or a device, not a regular file; not written\n`);
    expect(lstatSync(join(planted, 'user-root.html')).isFIFO()).toBe(true);
    expect(existsSync(join(planted, 'index.html'))).toBe(false);

    const compact = join(base, 'compact-walk');
    await runCliOk([tree, '--out', compact, '--compact', '--quiet']);
    r = await runCli(['report', compact, '--per-owner', join(base, 'compact-out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`pwalk-ts: ${compact} was walked with --compact, which records no owners: no pages written\n`);

    for (const [args, message] of [
      [['--owners', 'group'], '--owners chooses the owners of --per-owner DIR: give --per-owner too'],
      [['--min-bytes', '1GiB'], '--min-bytes leaves owners out of --per-owner DIR: give --per-owner too'],
      [['--per-owner', 'x', '--html', 'y.html'], '--per-owner writes its own pages and documents: run report again for --html or --json'],
      [['--per-owner', '-'], '--per-owner writes a folder of files: give a folder, not - (stdout)'],
      [['--per-owner', 'x', '--min-bytes', '1.5'], '--min-bytes: must be a byte count such as 500000, 10GiB or 1.5TB, got 1.5'],
    ] as const) {
      r = await runCli(['report', walkDir, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`pwalk-ts: ${message}\n`);
    }
  });
});
