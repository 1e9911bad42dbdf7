// usageSummary (the SDK) and `pwalk-ts usage` / `largest` / `du --by` against
// independent ground truth on a tree the test builds: several owners (real names and
// bare numbers up to 4294967294), hard links across directories with different
// extensions, a 6 GiB sparse file, mtimes and atimes in every age bucket (before 1970,
// after 2106, exactly on the boundaries), non-UTF-8 names with extensions, dotfiles
// and tar archives. Truth: test/helpers/usage_truth.py (its own lstat walk, hard-link
// choice, buckets, extension rule and pwd/grp names) and GNU du for the totals.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGE_BUCKETS, openWalk, usageSummary, type UsageSummary, type UsageTally } from '@pwalk-ts/reader';
import { parseJsonExact, parseNdjson, runCli, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, PYTHON, removeTempBase } from './helpers/trees.js';

type Tally = [bigint, bigint, bigint, bigint, bigint];
interface OwnerTruth {
  name: string;
  tally: Tally;
  atime: Record<string, Tally>;
}
interface Truth {
  totals: Tally;
  users: Record<string, OwnerTruth>;
  groups: Record<string, OwnerTruth>;
  mtimeAges: Record<string, Tally>;
  atimeAges: Record<string, Tally>;
  depths: Tally[];
  extensions: Record<string, Tally>;
  largest: { pathHex: string; size: bigint; allocated: bigint; uid: bigint; gid: bigint; mtime: bigint; atime: bigint }[];
  /** Per directory (path hex): recursive [files, entries, apparent bytes], hard links under their smallest path. */
  dirs: Record<string, [bigint, bigint, bigint]>;
}

const TRUTH = join(import.meta.dirname, 'helpers/usage_truth.py');
const LARGEST = 7;
let base: string;
let tree: string;
/** Whole-second reference time the boundary files were placed around (ms). */
let reference: number;

function truth(walkStartMs: number): Truth {
  return parseJsonExact(execFileSync(PYTHON, [TRUTH, tree, String(walkStartMs), String(LARGEST)], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Truth;
}

function asTruth(t: UsageTally): Tally {
  return [BigInt(t.entries), BigInt(t.files), BigInt(t.dirs), t.apparentBytes, t.allocatedBytes!];
}

function duBytes(args: string[]): bigint {
  return BigInt(execFileSync('du', ['-s', ...args, '-B1', tree], { encoding: 'utf8' }).split('\t')[0]!);
}

/** Everything a summary says, compared with the Python truth for the same reference time. */
function expectMatchesTruth(s: UsageSummary, t: Truth): void {
  expect(asTruth(s.totals)).toEqual(t.totals);
  expect(
    Object.fromEntries(
      s.byUser.map((u) => [
        String(u.id),
        { name: u.label, tally: asTruth(u), atime: Object.fromEntries(Object.entries(u.atime).map(([k, v]) => [k, asTruth(v)])) },
      ]),
    ),
  ).toEqual(t.users);
  expect(
    Object.fromEntries(
      s.byGroup.map((g) => [
        String(g.id),
        { name: g.label, tally: asTruth(g), atime: Object.fromEntries(Object.entries(g.atime).map(([k, v]) => [k, asTruth(v)])) },
      ]),
    ),
  ).toEqual(t.groups);
  expect(s.byMtimeAge.map((r) => r.key)).toEqual(AGE_BUCKETS.map((b) => b.bucket));
  expect(Object.fromEntries(s.byMtimeAge.map((r) => [r.key, asTruth(r)]))).toEqual(t.mtimeAges);
  expect(Object.fromEntries(s.byAtimeAge.map((r) => [r.key, asTruth(r)]))).toEqual(t.atimeAges);
  expect(s.byDepth.map(asTruth)).toEqual(t.depths);
  expect(Object.fromEntries(s.byExtension.map((r) => [Buffer.from(r.bytes).toString('hex'), asTruth(r)]))).toEqual(t.extensions);
  expect(
    s.largestFiles.map((f) => ({
      pathHex: Buffer.from(f.pathBytes).toString('hex'),
      size: f.size,
      allocated: f.allocatedBytes,
      uid: BigInt(f.uid!),
      gid: BigInt(f.gid!),
      mtime: BigInt(f.mtime),
      atime: BigInt(f.atime!),
    })),
  ).toEqual(t.largest);
  // Sorted as documented.
  const bytes = s.byUser.map((u) => u.apparentBytes);
  expect([...bytes].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(bytes);
}

beforeAll(() => {
  base = makeTempBase('usage');
  tree = join(base, 'tree');
  reference = Math.floor(Date.now() / 1000) * 1000;
  py(
    String.raw`import os,sys
root=os.fsencode(sys.argv[1]); R=int(sys.argv[2])//1000; D=86400
def p(*parts): return os.path.join(root,*[x if isinstance(x,bytes) else x.encode() for x in parts])
def w(path,n,uid=0,gid=0,atime=None,mtime=None):
  os.makedirs(os.path.dirname(path),exist_ok=True)
  with open(path,'wb') as f: f.write(b'x'*n)
  os.chown(path,uid,gid)
  if atime is not None: os.utime(path,(atime,mtime if mtime is not None else atime))
# one time in every bucket, and on every boundary (relative to the reference second R)
ages=[R+10*D, R+1, R, R-1, R-D, R-30*D+1, R-30*D, R-45*D, R-90*D, R-200*D, R-365*D, R-2*365*D, R-1095*D, R-1095*D-1, R-5*365*D, -100000000, 5000000000]
owners=[(0,0),(1234,1234),(60000,60000),(4294967294,4294967294),(65534,65534),(1234,65534),(65534,0)]
exts=['dat','TXT','jpg','JPG','tar.gz','log','']
for i in range(70):
  uid,gid=owners[i%len(owners)]
  ext=exts[i%len(exts)]
  name='f%02d'%i+('.'+ext if ext else '')
  w(p('owners','u%d'%uid,name),1000+(i%9)*300,uid,gid,ages[i%len(ages)],ages[(i*5+3)%len(ages)])
# equal sizes: the largest list breaks ties by path bytes
for n in ('tie-b.bin','tie-a.bin','tie-c.bin'): w(p('ties',n),900000,1234,1234,R-40*D,R-40*D)
# hard links across directories, different names and extensions: counted once, under the smallest path
w(p('links','z','big.ISO'),700000,60000,60000,R-400*D,R-2000*D)
os.makedirs(p('links','a'))
os.link(p('links','z','big.ISO'),p('links','a','copy.img'))
os.makedirs(p('links','m','deep'))
os.link(p('links','z','big.ISO'),p('links','m','deep','third'))
w(p('links','same','one.txt'),12345,65534,65534,R-10*D,R-10*D)
os.link(p('links','same','one.txt'),p('links','same','two.TXT'))
# a sparse 6 GiB file, not read for years
os.makedirs(p('sparse'))
with open(p('sparse','disk.raw'),'wb') as f: f.truncate(6*2**30)
with open(p('sparse','disk.raw'),'r+b') as f: f.seek(2**30); f.write(b'data')
os.chown(p('sparse','disk.raw'),4294967294,1234)
os.utime(p('sparse','disk.raw'),(R-4*365*D,R-4*365*D))
# names: non-UTF-8 with extensions, dotfiles, tar archives, trailing dots
for n in [b'caf\xe9.\xe9t\xe9', b'x\xff.DAT', b'y.\xffZ', 'r\u00e9sum\u00e9.\u00c9T\u00c9'.encode(), b'.bashrc', b'.config.json', b'archive.tar.gz', b'ARCHIVE2.TAR.GZ', b'.tar.gz', b'notes.', b'Makefile', b'a.b.c']:
  w(p('names',n),len(n)*10,1234,60000,R-100*D,R-20*D)
os.makedirs(p('names',b'dir.\xfe','sub.d'))
w(p('names',b'dir.\xfe','sub.d','inner.Tar.Bz2'),4321,0,0,R-3*D,R-3*D)
# other kinds: a symlink, a fifo, empty directories, a deep chain
os.symlink(b'archive.tar.gz',p('names','link.gz'))
os.lchown(p('names','link.gz'),65534,65534)
# Reading a symlink moves an atime older than its ctime (relatime): one set ahead of it stays put.
os.utime(p('names','link.gz'),(R+2*D,R-2*D),follow_symlinks=False)
os.mkfifo(p('names','pipe.fifo'))
os.makedirs(p('empty','e1','e2','e3','e4','e5','e6'))
w(p('empty','e1','e2','e3','e4','e5','e6','leaf.x'),1,60000,0,R-700*D,R-700*D)
`,
    tree,
    String(reference),
  );
  // Reading a directory moves its atime once (relatime); after this warm-up read the
  // walks and the Python truth see the same directory atimes.
  execFileSync('find', [tree], { stdio: 'ignore' });
});
afterAll(() => removeTempBase(base));

describe('usageSummary against Python and du', () => {
  const summaries = new Map<number, UsageSummary>();

  it.each([1, 2, 8])('threads %i: every group-by, the largest files and the totals match', async (threads) => {
    const out = join(base, `walk-${threads}`);
    await runCliOk([tree, '--threads', String(threads), '--out', out, '--quiet']);
    const walk = await openWalk(out);
    const s = await usageSummary(walk, { largest: LARGEST });
    expect(s.walkStart).toBe(walk.manifest!.startTime);
    expectMatchesTruth(s, truth(s.walkStart));
    expect(s.totals.apparentBytes).toBe(duBytes(['--apparent-size']));
    expect(s.totals.allocatedBytes).toBe(duBytes([]));
    expect(s.totals.apparentBytes > 6n * 2n ** 30n).toBe(true);
    // Hard links: one file under its smallest path, with that name's extension and depth.
    expect(s.largestFiles.map((f) => f.path)).toContain(join(tree, 'links/a/copy.img'));
    expect(s.byExtension.find((r) => r.key === 'iso')).toBeUndefined();
    expect(s.byUser.find((u) => u.id === 65534)!.label).toBe('nobody');
    expect(s.byUser.find((u) => u.id === 4294967294)!.label).toBe('4294967294');
    expect(s.byExtension.find((r) => r.key === 'tar.gz')!.files).toBe(12);
    expect(s.byExtension.find((r) => r.key === '/hex:e974e9')!.label).toBe('\\xe9t\\xe9');
    // The same walk at any thread count gives the same summary.
    const same = await usageSummary(walk, { largest: LARGEST, now: summaries.get(1)?.walkStart ?? s.walkStart });
    summaries.set(threads, same);
    if (threads !== 1) expect(same).toEqual(summaries.get(1));
  });

  it('ages from an explicit reference: times on every boundary land where the rule says', async () => {
    const walk = await openWalk(join(base, 'walk-2'));
    const s = await usageSummary(walk, { now: reference });
    expectMatchesTruth({ ...s, largestFiles: s.largestFiles.slice(0, LARGEST) }, truth(reference));
    expect(s.byMtimeAge.find((r) => r.key === 'future')!.files).toBeGreaterThan(0);
    expect(s.byAtimeAge.every((r) => r.files > 0)).toBe(true);
  });

  it('a --compact walk: no owners or atimes, allocated null, hard links not recognisable (st_size per name)', async () => {
    const out = join(base, 'walk-compact');
    await runCliOk([tree, '--compact', '--out', out, '--quiet']);
    const s = await usageSummary(await openWalk(out));
    expect(s.compact).toBe(true);
    expect(s.byUser).toEqual([]);
    expect(s.byAtimeAge).toEqual([]);
    expect(s.totals.allocatedBytes).toBeNull();
    const perName = BigInt(
      py(
        `import os,sys\nprint(sum(os.lstat(os.path.join(d,n)).st_size for d,ds,fs in os.walk(sys.argv[1]) for n in ds+fs)+os.lstat(sys.argv[1]).st_size)`,
        tree,
      ).trim(),
    );
    expect(s.totals.apparentBytes).toBe(perName);
    const owners = await runCli(['usage', out, '--by', 'user']);
    expect([owners.code, owners.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(owners.stderr).toMatch(/--compact and has no owners/);
    const allocated = await runCli(['du', out, '--allocated']);
    expect([allocated.code, allocated.stdout, allocated.stderr]).toEqual([
      2,
      '',
      'pwalk-ts: this walk was made with --compact and has no block counts: use --apparent\n',
    ]);
    const exts = (await runCliOk(['usage', out, '--by', 'ext'])).stdout.trimEnd().split('\n');
    expect(exts.at(-1)).toMatch(/^\s*\S+ \S+\s+-\s+\d+\s+[\d,]+\s+total$/);
  });

  it('is identical through records of every thread file in one pass (no second read)', async () => {
    const walk = await openWalk(join(base, 'walk-8'));
    let reads = 0;
    const counting = Object.create(walk, {
      entryBlocks: { value: (...a: Parameters<typeof walk.entryBlocks>) => (reads++, walk.entryBlocks(...a)) },
    }) as typeof walk;
    await usageSummary(counting, { now: reference });
    expect(reads).toBe(1);
  });
});

describe('pwalk-ts usage, largest, du --by', () => {
  it('usage --by user|group|ext|mtime|atime|depth --json rows equal the truth; --top folds the rest', async () => {
    const out = join(base, 'walk-2');
    const walk = await openWalk(out);
    const t = truth(walk.manifest!.startTime);
    const rows = async (...args: string[]) => parseNdjson((await runCliOk(['usage', out, ...args, '--json'])).stdout);
    const tally = (r: Record<string, unknown>): Tally => [r.entries, r.files, r.dirs, r.apparentBytes, r.allocatedBytes] as Tally;
    const users = await rows('--by', 'user');
    expect(
      Object.fromEntries(
        users.map((r) => [
          String(r.id),
          {
            name: r.label,
            tally: tally(r),
            atime: Object.fromEntries(Object.entries(r.atime as Record<string, Record<string, unknown>>).map(([k, v]) => [k, tally(v)])),
          },
        ]),
      ),
    ).toEqual(t.users);
    const groups = await rows('--by', 'group');
    expect(Object.fromEntries(groups.map((r) => [String(r.id), tally(r)]))).toEqual(Object.fromEntries(Object.entries(t.groups).map(([k, v]) => [k, v.tally])));
    for (const [by, key] of [
      ['mtime', 'mtimeAges'],
      ['atime', 'atimeAges'],
    ] as const) {
      const ages = await rows('--by', by);
      expect(ages.map((r) => r.key)).toEqual(AGE_BUCKETS.map((b) => b.bucket));
      expect(Object.fromEntries(ages.map((r) => [r.key, tally(r)]))).toEqual(t[key]);
    }
    expect((await rows('--by', 'depth')).map(tally)).toEqual(t.depths);
    const exts = await rows('--by', 'ext');
    expect(exts).toHaveLength(Object.keys(t.extensions).length);
    const top = await rows('--by', 'ext', '--top', '3');
    expect(top).toHaveLength(4);
    expect(top.slice(0, 3)).toEqual(exts.slice(0, 3));
    const rest = exts.slice(3);
    expect(top[3]!.key).toBe('/other');
    expect(top[3]!.apparentBytes).toBe(rest.reduce((n, r) => n + (r.apparentBytes as bigint), 0n));
    expect(top[3]!.files).toBe(rest.reduce((n, r) => n + (r.files as bigint), 0n));
    const topUsers = await rows('--by', 'user', '--top', '2');
    expect(topUsers.map((r) => r.key)).toEqual([...users.slice(0, 2).map((r) => r.key), '/other']);
    expect(topUsers.reduce((n, r) => n + (r.apparentBytes as bigint), 0n)).toBe(t.totals[3]);
  });

  it('usage prints a table with human units and a total row', async () => {
    const text = (await runCliOk(['usage', join(base, 'walk-2'), '--by', 'user'])).stdout;
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/apparent.*allocated.*files.*entries.*user/);
    expect(lines.some((l) => /\bnobody$/.test(l))).toBe(true);
    expect(lines.some((l) => /6\.\d\d GiB.*\b4294967294$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/ total$/);
    const ages = (await runCliOk(['usage', join(base, 'walk-2'), '--by', 'mtime'])).stdout;
    for (const b of AGE_BUCKETS) expect(ages).toContain(b.label);
  });

  it('largest --json equals the truth, path bytes exact; --top N', async () => {
    const out = join(base, 'walk-2');
    const walk = await openWalk(out);
    const t = truth(walk.manifest!.startTime);
    const rows = parseNdjson((await runCliOk(['largest', out, '--top', String(LARGEST), '--json'])).stdout);
    expect(
      rows.map((r) => ({
        pathHex: (r.pathBase64 === undefined ? Buffer.from(r.path as string) : Buffer.from(r.pathBase64 as string, 'base64')).toString('hex'),
        size: r.size,
        allocated: r.allocatedBytes,
        uid: r.uid,
        gid: r.gid,
        mtime: r.mtime,
        atime: r.atime,
      })),
    ).toEqual(t.largest);
    expect(rows[0]!.user).toBe('4294967294');
    const text = (await runCliOk(['largest', out, '--top', '2'])).stdout.trimEnd().split('\n');
    expect(text).toHaveLength(3);
    expect(text[1]).toMatch(/6\.00 GiB\s+6442450944\s.*sparse\/disk\.raw$/);
  });

  it('du --top N --by files|entries|size ranks directories by the truth', async () => {
    const out = join(base, 'walk-2');
    const t = truth(0);
    const ranked = (i: 0 | 1 | 2) =>
      Object.entries(t.dirs)
        .sort((a, b) => (a[1][i] !== b[1][i] ? (a[1][i] > b[1][i] ? -1 : 1) : Buffer.compare(Buffer.from(a[0], 'hex'), Buffer.from(b[0], 'hex'))))
        .slice(0, 4)
        .map(([hex, v]) => [Buffer.from(hex, 'hex').toString('utf8'), v[i]]);
    const top = async (by: string, field: string) =>
      parseNdjson((await runCliOk(['du', out, '--top', '4', '--by', by, '--json'])).stdout).map((r) => [r.path, r[field]]);
    expect(await top('files', 'files')).toEqual(ranked(0));
    expect(await top('entries', 'entries')).toEqual(ranked(1));
    expect(await top('size', 'apparentBytes')).toEqual(ranked(2));
  });

  it.each([
    [['usage', 'WALK', '--by', 'owner'], /--by/],
    [['usage', 'WALK', '--by', 'mtime', '--top', '2'], /--top/],
    [['usage', 'WALK', '--top', '0'], /--top/],
    [['usage', 'WALK', 'extra'], /one walk folder/],
    [['largest', 'WALK', '--top', 'ten'], /--top/],
    [['largest', 'WALK', '--by', 'user'], /by/],
    [['du', 'WALK', '--by', 'count', '--top', '3'], /--by/],
    [['du', 'WALK', '--by', 'files'], /--top/],
    [['usage', '/nonexistent-walk'], /cannot open walk folder/],
  ])('bad input %j: one line, exit 2', async (args, message) => {
    const r = await runCli(args.map((a) => (a === 'WALK' ? join(base, 'walk-2') : a)));
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('help for each command', async () => {
    for (const cmd of ['usage', 'largest', 'du']) expect((await runCliOk([cmd, '--help'])).stdout).toMatch(new RegExp(`pwalk-ts ${cmd} WALK`));
    expect((await runCliOk(['--help'])).stdout).toMatch(/usage WALK[\s\S]*largest WALK/);
  });
});

describe('hostile names in human and JSON output', () => {
  // A newline, a tab, ESC (a terminal colour sequence), C1 CSI, '<', quotes and a
  // non-UTF-8 byte, in directory names, file names and an extension.
  const NAMES = [
    Buffer.from('new\nline'),
    Buffer.from('tab\there'),
    Buffer.from('esc\x1b[31mred'),
    Buffer.from('c1\u009b2J'),
    Buffer.from('<b>"q\'&amp;'),
    Buffer.from('bad\xff', 'latin1'),
  ];
  let hostile: string;
  let walkDir: string;

  beforeAll(async () => {
    hostile = join(base, 'hostile');
    walkDir = join(base, 'walk-hostile');
    py(
      String.raw`import os,sys
root=os.fsencode(sys.argv[1])
for i,n in enumerate(bytes.fromhex(h) for h in sys.argv[2:]):
  d=os.path.join(root,n); os.makedirs(d)
  with open(os.path.join(d,n+b'.x\ny'),'wb') as f: f.write(b'z'*(1000*(i+1)))
`,
      hostile,
      ...NAMES.map((n) => n.toString('hex')),
    );
    await runCliOk([hostile, '--out', walkDir, '--quiet']);
  });

  /** Printable ASCII and the UTF-8 text names decode to, without a single control character. */
  // eslint-disable-next-line no-control-regex -- the test looks for control characters
  const expectNoControls = (text: string): void => expect(text.replace(/\n$/, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);

  it('du, largest, usage --by ext and the report summary keep one name on one line, controls shown as \\xNN', async () => {
    const du = (await runCliOk(['du', walkDir])).stdout;
    expectNoControls(du);
    expect(du.trimEnd().split('\n')).toHaveLength(NAMES.length + 1);
    expect(du).toContain('new\\x0aline');
    expect(du).toContain('esc\\x1b[31mred');
    expect(du).toContain('c1\\x9b2J');
    const largest = (await runCliOk(['largest', walkDir])).stdout;
    expectNoControls(largest);
    expect(largest.trimEnd().split('\n')).toHaveLength(NAMES.length + 1);
    expect(largest).toContain('tab\\x09here.x\\x0ay');
    const exts = (await runCliOk(['usage', walkDir, '--by', 'ext'])).stdout;
    expectNoControls(exts);
    // Header, one extension ('x\ny'), total.
    expect(exts.trimEnd().split('\n')).toHaveLength(3);
    expect(exts).toMatch(/ x\\x0ay\n/);
    const summary = (await runCliOk(['report', walkDir])).stdout;
    expectNoControls(summary);
    expect(summary).toMatch(/^largest +\S*bad\uFFFD \(/m);
  });

  it('du --json and largest --json give every path exactly (pathBase64 when not UTF-8)', async () => {
    const exact = (r: Record<string, unknown>): string =>
      (r.pathBase64 === undefined ? Buffer.from(r.path as string) : Buffer.from(r.pathBase64 as string, 'base64')).toString('hex');
    const dirs = parseNdjson((await runCliOk(['du', walkDir, '--json'])).stdout).map(exact);
    expect(dirs.sort()).toEqual(
      [Buffer.from(hostile), ...NAMES.map((n) => Buffer.concat([Buffer.from(`${hostile}/`), n]))].map((b) => b.toString('hex')).sort(),
    );
    const files = parseNdjson((await runCliOk(['largest', walkDir, '--json'])).stdout).map(exact);
    expect(files.sort()).toEqual(
      NAMES.map((n) => Buffer.concat([Buffer.from(`${hostile}/`), n, Buffer.from('/'), n, Buffer.from('.x\ny')]).toString('hex')).sort(),
    );
  });
});
