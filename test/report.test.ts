// `pwalk-ts report --json` against independent ground truth on a tree the test
// builds: owners, ages and extensions against test/helpers/usage_truth.py (its own
// lstat walk), cold data per owner summed from that truth's atime buckets,
// directories against GNU du (sizes) and a Python count (files), the headline
// against du and the manifest, errors against what a walk as nobody cannot read.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiffJson } from '../packages/cli/src/report/diff-schema.js';
import { ReportJson } from '../packages/cli/src/report/report-schema.js';
import { CLI, parseJsonExact, parseNdjson, REPO, runCli, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, PYTHON, removeTempBase } from './helpers/trees.js';

const TRUTH = join(import.meta.dirname, 'helpers/usage_truth.py');
type Tally = [bigint, bigint, bigint, bigint, bigint];
const BUCKETS = ['future', 'lt30d', '30to90d', '90dto1y', '1to3y', 'gt3y'];

let base: string;
let tree: string;
let report: Record<string, any>;
let reportText: string;

const BUILD = String.raw`
import os, sys, time
r = os.fsencode(sys.argv[1]); R = int(time.time()); D = 86400
def w(rel, n, uid=0, gid=0, age=None):
    p = os.path.join(r, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f: f.write(b"x" * n)
    os.chown(p, uid, gid)
    if age is not None: os.utime(p, (R - age, R - age))
owners = [(0, 0), (1234, 1234), (65534, 65534), (1234, 65534)]
ages = [4 * 365 * D, 2 * 365 * D, 200 * D, 60 * D, 10 * D]
exts = ["dat", "TXT", "tar.gz", "log", ""]
for i in range(60):
    uid, gid = owners[i % 4]
    ext = exts[i % 5]
    w(b"proj/%s/f%02d%s" % (b"abc"[i % 3:i % 3 + 1], i, (b"." + ext.encode()) if ext else b""), 1000 + 37 * i, uid, gid, ages[i % 5])
for i in range(40): w(b"many/small/s%02d.txt" % i, 10, 1234, 1234, 20 * D)
w(b"archive/old.tar.gz", 3_000_000, 65534, 65534, 5 * 365 * D)
with open(os.path.join(r, b"archive/disk.raw"), "wb") as f: f.truncate(6 * 2**30)
os.chown(os.path.join(r, b"archive/disk.raw"), 1234, 1234)
os.utime(os.path.join(r, b"archive/disk.raw"), (R - 2 * 365 * D, R - 2 * 365 * D))
w(b"links/orig.bin", 50_000, 1234, 1234, 30 * D)
os.link(os.path.join(r, b"links/orig.bin"), os.path.join(r, b"links/again.bin"))
for n in [b"<script>alert(1)", b"quote\"&amp;'.txt", b"new\nline.log", b"bytes\xff\xfe.DAT", b"<img src=x onerror=alert(2)>"]:
    w(b"names/" + n, 77, 65534, 65534, 100 * D)
`;

function truth(startMs: bigint): {
  totals: Tally;
  users: Record<string, { name: string; tally: Tally; atime: Record<string, Tally> }>;
  groups: Record<string, { name: string; tally: Tally; atime: Record<string, Tally> }>;
  mtimeAges: Record<string, Tally>;
  atimeAges: Record<string, Tally>;
  extensions: Record<string, Tally>;
  largest: { pathHex: string; size: bigint }[];
} {
  return parseJsonExact(execFileSync(PYTHON, [TRUTH, tree, String(startMs), '10'], { encoding: 'utf8' })) as ReturnType<typeof truth>;
}

const tally = (u: Record<string, any>): Tally => [u.entries, u.files, u.dirs, u.apparentBytes, u.allocatedBytes];

function pathHex(row: { path: string; pathBase64?: string }): string {
  return (row.pathBase64 === undefined ? Buffer.from(row.path) : Buffer.from(row.pathBase64, 'base64')).toString('hex');
}

beforeAll(async () => {
  base = makeTempBase('report');
  tree = join(base, 'tree');
  py(BUILD, tree);
  // Reading a directory moves its atime once (relatime): after this read, the walk and the truth agree.
  execFileSync('find', [tree], { stdio: 'ignore' });
  await runCliOk([tree, '--out', join(base, 'walk'), '--quiet']);
  reportText = (await runCliOk(['report', join(base, 'walk'), '--json', '-', '--top', '10'])).stdout;
  report = parseJsonExact(reportText) as Record<string, any>;
});
afterAll(() => removeTempBase(base));

/** `du --apparent-size -B1` of the tree: every directory's bytes, hard links once. */
function duApparent(): Map<string, bigint> {
  return new Map(
    execFileSync('du', ['--apparent-size', '-B1', tree], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => {
        const [n, p] = l.split('\t');
        return [p!, BigInt(n!)] as const;
      }),
  );
}

/** Regular files below each directory, a hard-linked one once (Python's lstat). */
function filesPerDirectory(): Record<string, bigint> {
  return parseJsonExact(
    py(
      `import os,sys,json,stat\nr=sys.argv[1]\nout={}\nfor dp,dn,fn in os.walk(r):\n  seen=set()\n  for p,ds,fs in os.walk(dp):\n    for f in fs:\n      st=os.lstat(os.path.join(p,f))\n      if stat.S_ISREG(st.st_mode): seen.add((st.st_dev,st.st_ino))\n  out[dp]=len(seen)\nprint(json.dumps(out))`,
      tree,
    ),
  ) as Record<string, bigint>;
}

describe('pwalk-ts report --json', () => {
  it('validates against the published schema, also with JSON.parse (every value here is below 2^53)', () => {
    expect(ReportJson.safeParse(report).error).toBeUndefined();
    // Every field produced is in the schema: parsing (which drops unknown keys) gives the document back whole.
    expect(ReportJson.parse(report)).toEqual(report);
    expect(ReportJson.safeParse(JSON.parse(reportText)).error).toBeUndefined();
    // A value past 2^53 read by JSON.parse is rounded: the schema says so rather than pass it on.
    const rounded = JSON.parse(reportText.replace(/"apparentBytes": \d+/, '"apparentBytes": 9007199254740993'));
    expect(ReportJson.safeParse(rounded).error?.issues[0]?.message).toMatch(/bigint-aware/);
  });

  it('headline, owners, cold data, ages, extensions and largest files equal the truth', () => {
    const t = truth(report.walk.startTime as bigint);
    expect(tally(report.headline)).toEqual(t.totals);
    const owners = (rows: any[]) =>
      Object.fromEntries(
        rows.map((o) => [String(o.id), { name: o.name, tally: tally(o), atime: Object.fromEntries(BUCKETS.map((b) => [b, tally(o.atime[b])])) }]),
      );
    expect(owners(report.users)).toEqual(t.users);
    expect(owners(report.groups)).toEqual(t.groups);
    for (const [rows, want] of [
      [report.coldUsers, t.users],
      [report.coldGroups, t.groups],
    ] as const) {
      const cold = Object.entries(want)
        .map(([id, o]) => ({ id, bytes: o.atime['1to3y']![3] + o.atime.gt3y![3], files: o.atime['1to3y']![1] + o.atime.gt3y![1] }))
        .filter((c) => c.bytes > 0n || c.files > 0n)
        .sort((a, b) => (a.bytes > b.bytes ? -1 : a.bytes < b.bytes ? 1 : Number(a.id) - Number(b.id)));
      expect(rows.map((c: any) => [String(c.id), c.apparentBytes, c.files])).toEqual(cold.map((c) => [c.id, c.bytes, c.files]));
    }
    expect(report.coldUsers[0].name).toBe('1234');
    expect(Object.fromEntries(report.mtimeAge.map((r: any) => [r.bucket, tally(r)]))).toEqual(t.mtimeAges);
    expect(Object.fromEntries(report.atimeAge.map((r: any) => [r.bucket, tally(r)]))).toEqual(t.atimeAges);
    const exts = Object.entries(t.extensions).sort(([ka, a], [kb, b]) =>
      a[3] > b[3] ? -1 : a[3] < b[3] ? 1 : Buffer.compare(Buffer.from(ka, 'hex'), Buffer.from(kb, 'hex')),
    );
    const hexOf = (key: string) => (key.startsWith('/hex:') ? key.slice(5) : Buffer.from(key).toString('hex'));
    expect(report.extensions.slice(0, 10).map((e: any) => [hexOf(e.extension), tally(e)])).toEqual(exts.slice(0, 10).map(([k, v]) => [k, v]));
    expect(report.largestFiles.map((f: any) => [pathHex(f), f.size])).toEqual(t.largest.map((f) => [f.pathHex, f.size]));
  });

  it('top directories by size equal du, by files a Python count; the treemap levels are their depth-1 and depth-2 rows', () => {
    const du = duApparent();
    const bySize = [...du].sort((a, b) => (a[1] > b[1] ? -1 : a[1] < b[1] ? 1 : Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])))).slice(0, 10);
    expect(report.topDirectoriesBySize.map((d: any) => [d.path, d.apparentBytes])).toEqual(bySize);
    const files = filesPerDirectory();
    const byFiles = Object.entries(files)
      .sort((a, b) => (a[1] > b[1] ? -1 : a[1] < b[1] ? 1 : Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]))))
      .slice(0, 10);
    expect(report.topDirectoriesByFiles.map((d: any) => [d.path, d.files])).toEqual(byFiles);
    const depth1 = [...du].filter(([p]) => p.slice(tree.length + 1).split('/').length === 1 && p !== tree);
    expect(report.topLevels.map((t: any) => [t.path, t.apparentBytes]).sort()).toEqual(depth1.sort());
    const proj = report.topLevels.find((t: any) => t.path === join(tree, 'proj'));
    expect(proj.children.map((c: any) => [c.path, c.apparentBytes]).sort()).toEqual(
      ['a', 'b', 'c'].map((x) => [join(tree, 'proj', x), du.get(join(tree, 'proj', x))]),
    );
  });

  it('the drill-down holds exactly the directories with 0.1% of the bytes (du) or of the files (a Python count), each after its parent, with their figures', () => {
    const du = duApparent();
    const files = filesPerDirectory();
    const [bytes, count] = [du.get(tree)!, files[tree]!];
    const expected = [...du.keys()].filter((p) => du.get(p)! * 1000n >= bytes || files[p]! * 1000n >= count).sort();
    const rows = report.drillDown as { name: string; parent: bigint | null; apparentBytes: bigint; files: bigint }[];
    const paths: string[] = [];
    for (const r of rows) {
      expect(r.parent === null || Number(r.parent) < paths.length, r.name).toBe(true);
      paths.push(r.parent === null ? r.name : `${paths[Number(r.parent)]}/${r.name}`);
    }
    expect([...paths].sort()).toEqual(expected);
    rows.forEach((r, i) => expect([paths[i], r.apparentBytes, r.files]).toEqual([paths[i], du.get(paths[i]!), files[paths[i]!]]));
  });

  it('the drill-down leaves out a directory under 0.1% of both the bytes and the files', async () => {
    const wide = join(base, 'wide');
    py(
      `import os,sys\nr=sys.argv[1]\nos.makedirs(os.path.join(r,'big'))\nos.makedirs(os.path.join(r,'tiny'))\nfor i in range(1200): open(os.path.join(r,'big','f%04d'%i),'wb').write(b'x'*4000)\nopen(os.path.join(r,'tiny','one'),'wb').write(b'1')`,
      wide,
    );
    await runCliOk([wide, '--out', join(base, 'wide-walk'), '--quiet']);
    const doc = parseJsonExact((await runCliOk(['report', join(base, 'wide-walk'), '--json', '-'])).stdout) as { drillDown: { name: string }[] };
    expect(doc.drillDown.map((r) => r.name)).toEqual([wide, 'big']);
  });

  it('treemap tooltips: the name, the whole path and the exact figures on lines of their own', async () => {
    const html = join(base, 'treemap.html');
    await runCliOk(['report', join(base, 'walk'), '--html', html, '--quiet', '--top', '10']);
    const svg = /<svg class="chart treemap"[\s\S]*?<\/svg>/.exec(readFileSync(html, 'utf8'))![0];
    const titles = [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]!.split('\n'));
    const proj = report.topLevels.find((t: any) => t.path === join(tree, 'proj'));
    expect(titles).toContainEqual([
      expect.stringMatching(/^proj /),
      join(tree, 'proj'),
      `${proj.apparentBytes.toLocaleString('en-US')} bytes; ${proj.files} files`,
    ]);
    expect(titles).toHaveLength(report.topLevels.length);
    for (const lines of titles) expect(lines.join('\n')).not.toContain('\\x0a');
  });

  it('the headline has the walk time and rate from the manifest; the summary goes to stdout, --quiet prints nothing', async () => {
    const info = parseJsonExact((await runCliOk(['info', join(base, 'walk'), '--json'])).stdout) as Record<string, any>;
    const m = info.manifest;
    expect(report.headline.durationMs).toBe(m.endTime - m.startTime);
    expect(report.headline.errors).toBe(0n);
    const loud = await runCliOk(['report', join(base, 'walk')]);
    expect(loud.stdout).toMatch(/^files {6}\d/);
    const quiet = await runCliOk(['report', join(base, 'walk'), '--html', join(base, 'r.html'), '--json', join(base, 'r.json'), '--quiet', '--top', '10']);
    expect([quiet.stdout, quiet.stderr]).toEqual(['', '']);
    expect(parseJsonExact(readFileSync(join(base, 'r.json'), 'utf8'))).toEqual({ ...report, generatedAt: expect.any(String) });
  });

  it('errors: counted by code and call, with the paths, from a walk as nobody', async () => {
    const locked = join(base, 'locked-tree');
    for (const d of ['open/ok', 'shut1/inside', 'shut2']) mkdirSync(join(locked, d), { recursive: true });
    chmodSync(join(locked, 'shut1'), 0o000);
    chmodSync(join(locked, 'shut2'), 0o000);
    const outParent = join(base, 'nobody-out');
    mkdirSync(outParent);
    chmodSync(outParent, 0o777);
    const walked = await runCli([locked, '--out', join(outParent, 'w'), '--quiet'], { asNobody: true });
    expect(walked.code).toBe(1);
    const r = parseJsonExact((await runCliOk(['report', join(outParent, 'w'), '--json', '-'])).stdout) as Record<string, any>;
    expect(r.errors.total).toBe(2n);
    expect(r.headline.errors).toBe(2n);
    expect(r.errors.byCode.map((c: any) => [c.code, c.count])).toEqual([['EACCES', 2n]]);
    expect(r.errors.samples.map((e: any) => [e.path, e.code])).toEqual([
      [join(locked, 'shut1'), 'EACCES'],
      [join(locked, 'shut2'), 'EACCES'],
    ]);
  });

  it('docs/pwalk-nightly.sh (the README cron job): walk, report, diff against the previous walk, keep the last N, trend over them, silent', async () => {
    const nightlyTree = join(base, 'nightly-tree');
    const walks = join(base, 'nightly-walks');
    mkdirSync(nightlyTree);
    writeFileSync(join(nightlyTree, 'log'), 'one\n');
    const seen: string[] = [];
    for (let night = 0; night < 3; night++) {
      const out = execFileSync('sh', [join(REPO, 'docs/pwalk-nightly.sh'), nightlyTree, walks, '2'], {
        env: { ...process.env, PWALK_TS: `${process.execPath} ${CLI}`, XDG_CACHE_HOME: join(base, 'nightly-cache') },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toBe('');
      seen.push(...readdirSync(walks).filter((n) => n.startsWith('20') && !seen.includes(n)));
      appendFileSync(join(nightlyTree, 'log'), 'more\n');
      writeFileSync(join(nightlyTree, `new-${night}`), 'x'.repeat(1000 * (night + 1)));
      // Walk folders are named by the second: the next night must not share one.
      await new Promise((r) => setTimeout(r, 1100));
    }
    const kept = readdirSync(walks)
      .filter((n) => n.startsWith('20'))
      .sort();
    expect(
      readdirSync(walks)
        .filter((n) => !n.startsWith('20'))
        .sort(),
    ).toEqual(['trend.html', 'trend.json']);
    // The trend is over the walks kept, oldest first, each walk's summary kept once.
    const trend = parseJsonExact(readFileSync(join(walks, 'trend.json'), 'utf8')) as Record<string, any>;
    expect(trend.walks.map((w: any) => basename(w.walk))).toEqual(kept);
    expect(trend.walks[1].totals.deltaBytes).toBe(2000n + 5n);
    expect(readdirSync(join(base, 'nightly-cache/pwalk-ts/summaries'))).toHaveLength(2);
    expect(seen).toHaveLength(3);
    expect(kept).toEqual(seen.sort().slice(1));
    for (const k of kept) expect(readdirSync(join(walks, k))).toEqual(expect.arrayContaining(['report.html', 'report.json', 'diff.html', 'diff.json']));
    const diff = parseJsonExact(readFileSync(join(walks, kept[1]!, 'diff.json'), 'utf8')) as Record<string, any>;
    expect([diff.added.files, diff.added.bytes, diff.modified.files]).toEqual([1n, 2000n, 1n]);
    // KEEP 0 would delete tonight's walk with the rest: refused, one line, nothing walked or deleted.
    for (const keep of ['0', 'two']) {
      const bad = spawnSync('sh', [join(REPO, 'docs/pwalk-nightly.sh'), nightlyTree, walks, keep], { encoding: 'utf8' });
      expect([bad.status, bad.stdout, bad.stderr.trim().split('\n').length], keep).toEqual([2, '', 1]);
    }
    expect(
      readdirSync(walks)
        .filter((n) => n.startsWith('20'))
        .sort(),
    ).toEqual(kept);
  });

  it('an incomplete walk (no manifest): the files are still written, from what was read; exit 1 and one line', async () => {
    const cut = join(base, 'cut-walk');
    cpSync(join(base, 'walk'), cut, { recursive: true });
    rmSync(join(cut, 'manifest.msgpack'));
    const r = await runCli(['report', cut, '--json', join(base, 'cut.json'), '--html', join(base, 'cut.html'), '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pwalk-ts: walk .* is incomplete/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const cutReport = parseJsonExact(readFileSync(join(base, 'cut.json'), 'utf8')) as Record<string, any>;
    expect(cutReport.walk.status).toBe('incomplete');
    expect(tally(cutReport.headline)).toEqual(tally(report.headline));
    expect(existsSync(join(base, 'cut.html'))).toBe(true);
  });

  it('a damaged walk (a block whose checksum fails): report, du, usage, largest and diff give what the other blocks hold, one line, exit 1', async () => {
    // One thread, depth first, names sorted: the root, x, x/'s 20 000 files, then the
    // records of x/zz (the 20 003rd) and of its only entry x/zz/deep, then deep's 20 000
    // files (names long enough that a 1 MiB block of format 2 holds about 15 000 of these
    // records). The block that holds zz's record is damaged; the blocks after it hold more
    // of deep's files, under two directories without a record.
    const dmgTree = join(base, 'dmg-tree');
    py(
      `import os,sys\nfor d,n in (('x',20000),('x/zz',0),('x/zz/deep',20000)):\n  p=os.path.join(sys.argv[1],d); os.makedirs(p)\n  for i in range(n):\n    with open(os.path.join(p,'f%05d-a-name-long-enough-to-fill-blocks-sooner.dat'%i),'wb') as f: f.write(b'y'*(i%7))`,
      dmgTree,
    );
    const full = join(base, 'dmg-full');
    await runCliOk([dmgTree, '--threads', '1', '--out', full, '--quiet']);
    const damaged = join(base, 'dmg-walk');
    cpSync(full, damaged, { recursive: true });
    const file = join(damaged, 'thread_0.bin');
    const bytes = readFileSync(file);
    // FORMAT.md 2.2: the file header is 64 bytes, a block header 16 (payloadLength at +4, recordCount at +8).
    let at = 64;
    let before = 0;
    while (before + bytes.readUInt32LE(at + 8) <= 20_002) {
      before += bytes.readUInt32LE(at + 8);
      at += 16 + bytes.readUInt32LE(at + 4);
    }
    expect(before + bytes.readUInt32LE(at + 8)).toBeLessThan(40_004);
    expect(before).toBeGreaterThan(0);
    bytes[at + 16 + 100] = bytes[at + 16 + 100]! ^ 0xff;
    writeFileSync(file, bytes);

    const left = parseNdjson((await runCli(['cat', damaged])).stdout);
    const all = parseNdjson((await runCliOk(['cat', full])).stdout);
    const zz = join(dmgTree, 'x/zz');
    // The premise: the records of zz and deep are lost, some of deep's files are not.
    expect(left.some((e) => e.path === zz || e.path === `${zz}/deep`)).toBe(false);
    expect(left.some((e) => (e.path as string).startsWith(`${zz}/`))).toBe(true);
    expect(left.some((e) => e.path === dmgTree)).toBe(true);
    const lost = BigInt(all.length - left.length);
    const leftBytes = left.reduce((n, e) => n + (e.size as bigint), 0n);

    const r = await runCli(['report', damaged, '--json', '-']);
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([`pwalk-ts: PWALK_CORRUPT_BLOCK: block checksum mismatch (${lost} records lost) (${file} at byte ${at})`]);
    const cut = parseJsonExact(r.stdout) as Record<string, any>;
    expect(ReportJson.parse(cut)).toEqual(cut);
    expect([cut.headline.entries, cut.headline.apparentBytes]).toEqual([BigInt(left.length), leftBytes]);
    // du's root and x/ hold what survived below zz/deep/, though neither zz/ nor deep/ has a record.
    const dirs = new Map(parseNdjson((await runCli(['du', damaged, '--depth', '9', '--json'])).stdout).map((d) => [d.path, d]));
    expect([dirs.get(dmgTree)?.entries, dirs.get(dmgTree)?.apparentBytes]).toEqual([BigInt(left.length), leftBytes]);
    const below = (dir: string) => left.filter((e) => e.path === dir || (e.path as string).startsWith(`${dir}/`));
    for (const dir of [join(dmgTree, 'x'), zz, `${zz}/deep`]) expect(dirs.get(dir)?.entries, dir).toBe(BigInt(below(dir).length));
    for (const args of [['du'], ['usage'], ['largest']]) {
      const other = await runCli([...args, damaged]);
      expect([other.code, other.stderr], args[0]).toEqual([1, `${lines[0]}\n`]);
      expect(other.stdout, args[0]).not.toBe('');
    }
    const d = await runCli(['diff', full, damaged, '--json', '-']);
    expect([d.code, d.stderr]).toEqual([1, `${lines[0]}\n`]);
    const diff = parseJsonExact(d.stdout) as Record<string, any>;
    expect([diff.deleted.entries, diff.added.entries, diff.modified.entries]).toEqual([lost, 0n, 0n]);
    expect(diff.new.totals.bytes).toBe(leftBytes);
  });

  it('--workers: the same document from 1, 2 and 3 threads (but its time), and from the default', async () => {
    const withoutTime = (text: string) => text.replace(/"generatedAt": "[^"]*"/, '');
    for (const workers of ['1', '2', '3']) {
      const r = await runCliOk(['report', join(base, 'walk'), '--json', '-', '--top', '10', '--workers', workers]);
      expect(withoutTime(r.stdout), workers).toBe(withoutTime(reportText));
    }
    expect(withoutTime(reportText)).toContain('"drillDown"');
  });

  it('bad input is one line and exit 2', async () => {
    for (const args of [
      ['report'],
      ['report', join(base, 'missing')],
      ['report', join(base, 'walk'), '--top', 'x'],
      ['report', join(base, 'walk'), '--json', join(base, 'nope/r.json')],
      ['report', join(base, 'walk'), '--json', '-', '--html', '-'],
      ['report', join(base, 'walk'), '--json', join(base, 'same.out'), '--html', `${base}/./same.out`],
      ['report', join(base, 'walk'), '--workers', '0'],
      ['report', join(base, 'walk'), '--per-owner', join(base, 'owners'), '--workers', '2'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    }
    expect(existsSync(join(base, 'same.out'))).toBe(false);
  });
});

describe('pwalk-ts report and diff on edge walks', () => {
  /** Report JSON that the published schema accepts whole: parsing drops nothing (no field the schema does not know). */
  const reportOf = async (walk: string, code = 0): Promise<Record<string, any>> => {
    const html = `${walk}.html`;
    const r = await runCli(['report', walk, '--json', '-', '--html', html]);
    expect(r.code, r.stderr).toBe(code);
    const doc = parseJsonExact(r.stdout) as Record<string, any>;
    expect(ReportJson.parse(doc)).toEqual(doc);
    expect(readFileSync(html, 'utf8')).toMatch(/<\/html>\n$/);
    return doc;
  };
  /** A walk diffed against itself: every change figure zero, every list empty, unchanged is the whole walk. */
  const expectSelfDiffZero = async (walk: string): Promise<void> => {
    const d = parseJsonExact((await runCliOk(['diff', walk, walk, '--json', '-', '--html', `${walk}.diff.html`])).stdout) as Record<string, any>;
    expect(DiffJson.parse(d)).toEqual(d);
    expect(d.sameRoot).toBe(true);
    expect([d.netBytes, d.modified.entries, d.modified.deltaBytes]).toEqual([0n, 0n, 0n]);
    for (const t of [d.added, d.deleted]) expect(t).toEqual({ entries: 0n, files: 0n, dirs: 0n, bytes: 0n });
    expect(d.new.totals).toEqual(d.old.totals);
    expect(d.unchanged).toEqual({ entries: d.old.totals.entries, files: d.old.totals.files, dirs: d.old.totals.dirs, bytes: d.old.totals.bytes });
    for (const list of ['directories', 'users', 'groups', 'extensions']) expect(d[list], list).toEqual({ grown: [], shrunk: [] });
    expect(d.largestNew).toEqual([]);
  };
  const rootSize = (dir: string): bigint => BigInt(py('import os,sys\nprint(os.lstat(sys.argv[1]).st_size)', dir).trim());

  it('a root with nothing below it: one directory, every group empty or zero', async () => {
    const empty = join(base, 'edge-empty');
    mkdirSync(empty);
    await runCliOk([empty, '--out', join(base, 'w-edge-empty'), '--quiet']);
    const r = await reportOf(join(base, 'w-edge-empty'));
    expect(tally(r.headline)).toEqual([1n, 0n, 1n, rootSize(empty), BigInt(execFileSync('du', ['-s', '-B1', empty], { encoding: 'utf8' }).split('\t')[0]!)]);
    expect([r.topLevels, r.extensions, r.largestFiles, r.coldUsers, r.errors.samples]).toEqual([[], [], [], [], []]);
    expect(r.topDirectoriesBySize.map((d: any) => d.path)).toEqual([empty]);
    expect(r.mtimeAge.reduce((n: bigint, b: any) => n + b.entries, 0n)).toBe(1n);
    await expectSelfDiffZero(join(base, 'w-edge-empty'));
  });

  it('a --compact walk: no owners, atimes or allocated bytes, the rest as in a full walk', async () => {
    await runCliOk([tree, '--out', join(base, 'w-edge-compact'), '--compact', '--quiet']);
    const r = await reportOf(join(base, 'w-edge-compact'));
    expect(r.compact).toBe(true);
    expect([r.users, r.groups, r.coldUsers, r.coldGroups, r.atimeAge]).toEqual([[], [], [], [], []]);
    expect(r.headline.allocatedBytes).toBeNull();
    // Without link counts a hard-linked file counts once per name: one more file than the full walk.
    expect([r.headline.entries, r.headline.files, r.headline.apparentBytes]).toEqual([
      report.headline.entries + 1n,
      report.headline.files + 1n,
      report.headline.apparentBytes + 50_000n,
    ]);
    expect(r.largestFiles.length).toBeGreaterThan(0);
    for (const f of r.largestFiles) expect([f.allocatedBytes, f.uid, f.user, f.atime]).toEqual([null, null, '(not recorded)', null]);
    for (const d of r.topDirectoriesBySize) expect(d.allocatedBytes).toBeNull();
    await expectSelfDiffZero(join(base, 'w-edge-compact'));
  });

  it('a walk of errors only (a root nobody may read): the root and its error, exit 0', async () => {
    const shut = join(base, 'edge-shut');
    mkdirSync(join(shut, 'inside'), { recursive: true });
    chmodSync(shut, 0o000);
    const outParent = join(base, 'edge-nobody-out');
    mkdirSync(outParent);
    chmodSync(outParent, 0o777);
    expect((await runCli([shut, '--out', join(outParent, 'w'), '--quiet'], { asNobody: true })).code).toBe(1);
    chmodSync(shut, 0o755);
    const r = await reportOf(join(outParent, 'w'));
    expect(tally(r.headline)).toEqual([1n, 0n, 1n, rootSize(shut), r.headline.allocatedBytes]);
    expect(r.errors).toEqual({
      total: 1n,
      byCode: [{ code: 'EACCES', syscall: 'scandir', count: 1n }],
      samples: [{ path: shut, syscall: 'scandir', code: 'EACCES' }],
    });
    expect(r.headline.errors).toBe(1n);
    await expectSelfDiffZero(join(outParent, 'w'));
  });
});
