// `pwalk-ts trend` against an independent ground truth: a tree the test builds is
// walked on four "nights" around known changes (files added, a file grown, one
// removed, files given to another owner; a hard link across two top directories
// throughout), and after each walk test/helpers/usage_truth.py (Python's lstat)
// records what that night's figures must be. The walks are given out of order; the
// trend must sort them and agree with every night's truth exactly. Then the kept
// summaries: used when valid, recomputed when damaged, foreign or when the walk was
// rewritten; and walks of another root refused in one line unless allowed.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrendJson } from '../packages/cli/src/report/trend-schema.js';
import { CLI, parseJsonExact, runCli, runCliOk } from './helpers/run-cli.js';
import { makeTempBase, py, PYTHON, removeTempBase } from './helpers/trees.js';

const TRUTH = join(import.meta.dirname, 'helpers/usage_truth.py');
const isRoot = process.getuid?.() === 0;

const BUILD = String.raw`
import os, sys
r = os.fsencode(sys.argv[1]); root_owner = sys.argv[2] == "1"
def w(rel, n, uid=0, gid=0):
    p = os.path.join(r, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f: f.write(b"x" * n)
    if root_owner: os.chown(p, uid, gid)
for i in range(5): w(b"projects/alpha/run%d.dat" % i, 10_000 * (i + 1), 1001, 2001)
for i in range(3): w(b"home/ann/notes%d.txt" % i, 700 * (i + 1), 1002, 2002)
w(b"home/bob/big.iso", 250_000, 1003, 2002)
w(b"scratch/tmp.bin", 90_000, 1001, 2001)
w(b"caf\xe9/latin1.txt", 333, 1002, 2002)
w(b"top-level-file", 4242, 1003, 2003)
# One inode in two top directories: counted once, under 'home/...' (the smaller path).
os.link(os.path.join(r, b"scratch/tmp.bin"), os.path.join(r, b"home/ann/tmp-link.bin"))
`;

/** The change before each later night. */
const CHANGES = [
  String.raw`
import os, sys
r = os.fsencode(sys.argv[1])
os.makedirs(os.path.join(r, b"projects/beta"))
for i in range(4):
    with open(os.path.join(r, b"projects/beta/new%d.dat" % i), "wb") as f: f.write(b"n" * 123_457)
`,
  String.raw`
import os, sys
r = os.fsencode(sys.argv[1])
with open(os.path.join(r, b"home/bob/big.iso"), "ab") as f: f.write(b"g" * 1_000_001)
os.remove(os.path.join(r, b"projects/alpha/run4.dat"))
os.remove(os.path.join(r, b"home/ann/tmp-link.bin"))
`,
  String.raw`
import os, sys
r = os.fsencode(sys.argv[1]); root_owner = sys.argv[2] == "1"
if root_owner:
    for n in os.listdir(os.path.join(r, b"projects/beta")): os.chown(os.path.join(r, b"projects/beta", n), 1004, 2004)
`,
];

type Tally5 = [bigint, bigint, bigint, bigint, bigint];
interface Truth {
  totals: Tally5;
  users: Record<string, { tally: Tally5 }>;
  groups: Record<string, { tally: Tally5 }>;
  dirs: Record<string, [bigint, bigint, bigint]>;
}

let base: string;
let tree: string;
let cache: string;
const walks: string[] = [];
const truths: Truth[] = [];

function walk(out: string, root = tree): void {
  execFileSync(process.execPath, [CLI, root, '--out', out, '--quiet']);
}

function truthOf(): Truth {
  // The walk's start as the reference time: ages are not compared here, only tallies.
  return parseJsonExact(execFileSync(PYTHON, [TRUTH, tree, String(Date.now()), '1'], { encoding: 'utf8' })) as Truth;
}

async function trend(args: string[], code = 0): Promise<Record<string, any>> {
  const r = await runCliOk(['trend', ...args, '--json', '-', '--cache-dir', cache], {}, code);
  const doc = parseJsonExact(r.stdout) as Record<string, any>;
  // Every field produced is in the schema: parsing (which drops unknown keys) gives the document back whole.
  expect(TrendJson.parse(doc)).toEqual(doc);
  return doc;
}

const point5 = (p: Record<string, bigint>) => [p.entries, p.files, p.dirs, p.bytes, p.allocatedBytes];

/** The top directory `name`'s truth on a night: [files, entries, bytes] of root/name, or zeros when it did not exist. */
function topTruth(t: Truth, nameHex: string): [bigint, bigint, bigint] {
  return t.dirs[Buffer.concat([Buffer.from(tree), Buffer.from('/'), Buffer.from(nameHex, 'hex')]).toString('hex')] ?? [0n, 0n, 0n];
}

function nameHex(row: { name: string; nameBase64?: string }): string {
  return (row.nameBase64 === undefined ? Buffer.from(row.name) : Buffer.from(row.nameBase64, 'base64')).toString('hex');
}

beforeAll(() => {
  base = makeTempBase('trend');
  tree = join(base, 'tree');
  cache = join(base, 'cache');
  py(BUILD, tree, isRoot ? '1' : '0');
  for (let night = 0; night < 4; night++) {
    if (night > 0) py(CHANGES[night - 1]!, tree, isRoot ? '1' : '0');
    walks.push(join(base, `night${night}`));
    walk(walks[night]!);
    truths.push(truthOf());
  }
});
afterAll(() => removeTempBase(base));

describe('pwalk-ts trend', () => {
  it('totals, top directories, users and groups of every night match the truth, walks sorted by start', async () => {
    const d = await trend([walks[2]!, walks[0]!, walks[3]!, walks[1]!, '--top', '1000']);
    expect(d.walks.map((w: any) => w.walk)).toEqual(walks);
    expect(d.mixedRoots).toBe(false);
    d.walks.forEach((w: any, i: number) => {
      expect(point5(w.totals)).toEqual(truths[i]!.totals);
      expect(w.totals.deltaBytes).toEqual(i === 0 ? null : truths[i]!.totals[3] - truths[i - 1]!.totals[3]);
      expect(w.totals.deltaFiles).toEqual(i === 0 ? null : truths[i]!.totals[1] - truths[i - 1]!.totals[1]);
    });
    // The known changes, night by night: 4 files added (and their folder); +1,000,001 and -50,000 bytes, a file
    // gone, and a second link (no file, no bytes: its inode stays); an owner changed (nothing else).
    expect(d.walks.map((w: any) => w.totals.deltaFiles)).toEqual([null, 4n, -1n, 0n]);
    expect(d.walks.map((w: any) => w.totals.deltaBytes).slice(2)).toEqual([1_000_001n - 50_000n, 0n]);

    // Every top directory: the latest night's ranking, and each night's recursive figures as du counts them.
    const dirs = d.topDirectories.filter((s: any) => !s.other);
    const latestTop = Object.keys(truths[3]!.dirs)
      .map((h) => Buffer.from(h, 'hex'))
      .filter((p) => p.length > tree.length + 1 && !p.subarray(tree.length + 1).includes(0x2f))
      .map((p) => ({ hex: p.subarray(tree.length + 1).toString('hex'), bytes: topTruth(truths[3]!, p.subarray(tree.length + 1).toString('hex'))[2] }))
      .sort((a, b) => (a.bytes > b.bytes ? -1 : a.bytes < b.bytes ? 1 : Buffer.compare(Buffer.from(a.hex, 'hex'), Buffer.from(b.hex, 'hex'))));
    expect(dirs.map(nameHex)).toEqual(latestTop.map((t) => t.hex));
    for (const s of dirs) {
      s.points.forEach((p: any, i: number) => expect([p.files, p.entries, p.bytes], `${s.name} night ${i}`).toEqual(topTruth(truths[i]!, nameHex(s))));
    }
    // The hard link moved: night 0 counts tmp.bin under home (smaller path), night 2 under scratch.
    const series = (name: string) => dirs.find((s: any) => s.name === name).points.map((p: any) => p.bytes);
    const scratch = series('scratch');
    expect([scratch[1] - scratch[0], scratch[2] - scratch[1], scratch[3] - scratch[2]]).toEqual([0n, 90_000n, 0n]);
    expect(dirs.some((s: any) => s.nameBase64 === Buffer.from('caf\xe9', 'latin1').toString('base64'))).toBe(true);
    // The rest: the root itself and top-level-file; all series add up to the totals.
    const other = d.topDirectories.find((s: any) => s.other);
    d.walks.forEach((w: any, i: number) => {
      expect(d.topDirectories.reduce((sum: bigint, s: any) => sum + s.points[i].bytes, 0n)).toBe(w.totals.bytes);
      expect(other.points[i].entries).toBe(2n);
    });

    for (const [rows, key] of [
      [d.users, 'users'],
      [d.groups, 'groups'],
    ] as const) {
      expect(rows.some((s: any) => s.other)).toBe(false);
      for (const s of rows) {
        s.points.forEach((p: any, i: number) =>
          expect(point5(p), `${key} ${s.id} night ${i}`).toEqual(truths[i]![key][String(s.id)]?.tally ?? [0n, 0n, 0n, 0n, 0n]),
        );
      }
      const ids = Object.keys(truths[3]![key])
        .map(BigInt)
        .sort((a, b) => {
          const x = truths[3]![key][String(a)]!.tally[3];
          const y = truths[3]![key][String(b)]!.tally[3];
          return x > y ? -1 : x < y ? 1 : Number(a - b);
        });
      expect(rows.map((s: any) => s.id)).toEqual(ids);
    }
    if (isRoot) {
      // The chown on the last night: beta's four files (made by root) move from uid 0 to 1004.
      const user = (id: bigint) => d.users.find((s: any) => s.id === id)?.points.map((p: any) => p.bytes);
      expect(user(1004n)).toEqual([0n, 0n, 0n, 4n * 123_457n]);
      expect(user(0n)![3] - user(0n)![2]).toBe(-4n * 123_457n);
    }
  });

  it('--top N keeps the N largest by the latest night and sums the rest into one series', async () => {
    const all = await trend([...walks, '--top', '1000']);
    const d = await trend([...walks, '--top', '2']);
    expect(d.topDirectories.map((s: any) => s.name)).toEqual([
      ...all.topDirectories
        .filter((s: any) => !s.other)
        .slice(0, 2)
        .map((s: any) => s.name),
      '(other)',
    ]);
    const other = d.topDirectories.at(-1);
    d.walks.forEach((w: any, i: number) => {
      expect(other.points[i].bytes).toBe(w.totals.bytes - d.topDirectories[0].points[i].bytes - d.topDirectories[1].points[i].bytes);
      expect(d.users.reduce((sum: bigint, s: any) => sum + s.points[i].bytes, 0n)).toBe(w.totals.bytes);
    });
    expect(d.users.at(-1).other).toBe(true);
    expect(d.users.at(-1).id).toBeNull();
  });

  it('keeps one summary per walk folder, reads it instead of the walk, and recomputes a damaged, foreign or outdated one', async () => {
    rmSync(cache, { recursive: true, force: true });
    const first = await trend(walks);
    const kept = () =>
      readdirSync(cache)
        .filter((n) => n.endsWith('.json'))
        .sort();
    expect(kept()).toHaveLength(4);
    const fileOf = (night: number) => kept().find((n) => readFileSync(join(cache, n), 'utf8').includes(JSON.stringify(walks[night]!)))!;

    // A valid summary is what trend reads: an edited figure shows (the walk was not read again).
    const night1 = join(cache, fileOf(1));
    const honest = readFileSync(night1, 'utf8');
    const edited = JSON.parse(honest);
    edited.totals.apparentBytes = '12345678901234567890';
    writeFileSync(night1, JSON.stringify(edited));
    expect((await trend(walks)).walks[1].totals.bytes).toBe(12345678901234567890n);

    // Damaged: recomputed and kept again.
    writeFileSync(night1, honest.slice(0, 100));
    expect(await trend(walks)).toMatchObject({ walks: first.walks });
    expect(JSON.parse(readFileSync(night1, 'utf8')).totals).toEqual(JSON.parse(honest).totals);
    // Of another version, or another walk's summary under this walk's name: not trusted.
    writeFileSync(night1, JSON.stringify({ ...JSON.parse(honest), version: 99 }));
    expect((await trend(walks)).walks[1].totals).toEqual(first.walks[1].totals);
    writeFileSync(night1, readFileSync(join(cache, fileOf(3)), 'utf8'));
    expect((await trend(walks)).walks[1].totals).toEqual(first.walks[1].totals);

    // A rewritten walk (the folder walked again after a change): its new figures, and its old summary gone.
    py(`import os,sys\nopen(os.path.join(sys.argv[1], "scratch", "more.bin"), "wb").write(b"m" * 777)`, tree);
    rmSync(walks[3]!, { recursive: true });
    walk(walks[3]!);
    const again = await trend(walks);
    expect(again.walks[3].totals.bytes - first.walks[3].totals.bytes).toBe(777n);
    expect(kept()).toHaveLength(4);
    rmSync(join(tree, 'scratch/more.bin'));
    rmSync(walks[3]!, { recursive: true });
    walk(walks[3]!);

    // --no-cache reads the walks and keeps nothing.
    const both = await runCli(['trend', ...walks, '--no-cache', '--cache-dir', cache]);
    expect([both.code, both.stderr]).toEqual([2, 'pwalk-ts: --no-cache and --cache-dir exclude each other\n']);
    const none = join(base, 'no-cache');
    const plain = await runCliOk(['trend', ...walks, '--no-cache', '--json', '-'], { env: { XDG_CACHE_HOME: none } });
    expect((parseJsonExact(plain.stdout) as any).walks.map((w: any) => w.totals)).toEqual(first.walks.map((w: any) => w.totals));
    expect(() => readdirSync(none)).toThrow();
  });

  it('refuses walks of different roots in one line, and charts them with --allow-mixed-roots', async () => {
    const otherTree = join(base, 'other-tree');
    py(`import os,sys\nos.makedirs(os.path.join(sys.argv[1], "d"))\nopen(os.path.join(sys.argv[1], "d", "f"), "wb").write(b"o" * 5000)`, otherTree);
    const otherWalk = join(base, 'other-walk');
    walk(otherWalk, otherTree);
    const r = await runCli(['trend', walks[0]!, otherWalk, '--json', '-', '--cache-dir', cache]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^pwalk-ts: walks of different roots: .* \(--allow-mixed-roots charts them together\)\n$/);
    const d = await trend([walks[0]!, otherWalk, '--allow-mixed-roots']);
    expect(d.mixedRoots).toBe(true);
    expect(d.walks[1].totals.bytes - d.walks[0].totals.bytes).toBe(d.walks[1].totals.deltaBytes);
  });

  it('writes the page and the JSON whole, prints a summary, and says what is wrong with a damaged walk (exit 1)', async () => {
    const html = join(base, 't.html');
    const json = join(base, 't.json');
    const r = await runCliOk(['trend', ...walks, '--html', html, '--json', json, '--cache-dir', cache]);
    expect(r.stdout).toMatch(/^walks {6}4, /);
    expect(r.stderr).toBe('');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain("content=\"default-src 'none'");
    expect(page.match(/<polyline /g)!.length).toBeGreaterThanOrEqual(5);
    expect(TrendJson.safeParse(parseJsonExact(readFileSync(json, 'utf8'))).success).toBe(true);

    const missing = await runCli(['trend', walks[0]!, join(base, 'nowhere'), '--cache-dir', cache]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);

    // A thread file cut short: the walk is read up to the damage, said on stderr, exit 1.
    const damaged = join(base, 'damaged');
    execFileSync('cp', ['-r', walks[0]!, damaged]);
    const thread = readdirSync(damaged).find((n) => n.startsWith('thread_') && readFileSync(join(damaged, n)).length > 100)!;
    const bytes = readFileSync(join(damaged, thread));
    writeFileSync(join(damaged, thread), bytes.subarray(0, bytes.length - 10));
    const hurt = await runCli(['trend', damaged, '--json', '-', '--quiet', '--cache-dir', cache]);
    expect(hurt.code).toBe(1);
    expect(hurt.stderr).toMatch(/^pwalk-ts: /);
    // Said again when the summary comes from the cache.
    const again = await runCli(['trend', damaged, '--json', '-', '--quiet', '--cache-dir', cache]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(hurt.stderr);
  });
});
