// Damaged walk folders: one thread file lost, emptied, cut short or cut mid-block, the
// manifest garbage, another walk's or deleted. Every command that reads the walk must
// print exactly the records of the files that are still whole (and the whole records
// of a cut one), say on one line what is wrong, and exit 1; exit 2 is only for a folder
// holding nothing of a walk. What "the records of the whole files" are is decided by
// the independent Python reader (packages/reader/tools/read_walk.py), run on each
// thread file of the intact walk alone, before any damage.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckRows, sqlPath } from '../helpers/duckdb.js';
import { parseJsonExact, parseNdjson, REPO, runCli, runCliOk, type CliResult } from '../helpers/run-cli.js';
import { buildWideTree, makeTempBase, PYTHON, removeTempBase } from '../helpers/trees.js';

const READ_WALK = join(REPO, 'packages/reader/tools/read_walk.py');

/** A record as both sides can name it: its path relative to the root, and its inode. */
const key = (relative: Buffer, inode: bigint | string): string => `${relative.toString('base64')}:${inode}`;

/** The records read_walk.py yields from a folder holding only `threadFile` (no manifest: nothing else to go by). */
function pythonRecords(threadFile: string, scratch: string): string[] {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  cpSync(threadFile, join(scratch, 'thread_0.bin'));
  const out = execFileSync(PYTHON, ['-B', READ_WALK, '--skip-corrupt', scratch], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const r = JSON.parse(l.replace(/("inode":\s*)(\d+)/, '$1"$2"')) as { relativePathBase64: string; inode: string; error?: unknown };
      expect(r.error, 'the tree has no unreadable entry').toBeUndefined();
      return `${r.relativePathBase64}:${r.inode}`;
    });
}

/** The records `cat --format ndjson` printed, keyed as pythonRecords keys them (paths made relative to `root`). */
function catRecords(r: CliResult, root: string): string[] {
  return parseNdjson(r.stdout).map((e) => {
    const path = e.path as string;
    if (path !== root && !path.startsWith(`${root}/`)) throw new Error(`${path} is not below the root ${root}`);
    return key(Buffer.from(path === root ? '' : path.slice(root.length + 1)), e.inode as bigint);
  });
}

const sorted = (keys: Iterable<string>): string[] => [...keys].sort();
const lines = (stderr: string): string[] => stderr.split('\n').filter((l) => l !== '');
const inodesOf = (keys: string[]): string[] => keys.map((k) => k.slice(k.indexOf(':') + 1)).sort();

let base: string;
let tree: string;
let walk: string;
let otherWalk: string;
/** The thread files of the walk, in reading order, and each one's records by the Python reader. */
let threadFiles: string[];
let recordsOf: Map<string, string[]>;
/** The file the damage cases hit (the last), and the records of the others. */
let victim: string;
let others: string[];

/** A copy of the intact walk, damaged by `damage`. */
function damagedCopy(name: string, damage: (dir: string) => void): string {
  const dir = join(base, 'cases', name);
  cpSync(walk, dir, { recursive: true });
  damage(dir);
  return dir;
}

/** Where the victim's records stop being whole: halfway into its second block, or into its only block. */
function midBlockOffset(bytes: Buffer): number {
  const payload = (at: number): number => bytes.readUInt32LE(at + 4);
  const first = 64;
  const second = first + 16 + payload(first);
  return second < bytes.length ? second + 16 + Math.floor(payload(second) / 2) : first + 16 + Math.floor(payload(first) / 2);
}

beforeAll(async () => {
  base = makeTempBase('damaged');
  tree = join(base, 'tree');
  buildWideTree(tree, 30, 20);
  otherWalk = join(base, 'other-walk');
  mkdirSync(join(base, 'small'));
  await runCliOk([join(base, 'small'), '--out', otherWalk, '--quiet']);
  // --threads 3 runs min(3, cores) workers, one file each: the rule needs one file to damage and one to keep,
  // each holding records. On a busy machine the first worker can read the whole tree before the others
  // start, so each directory's open is held a while, longer on each attempt, until every file has records.
  for (let attempt = 0, pauseMs = 10; ; attempt++, pauseMs *= 3) {
    walk = join(base, `walk-${attempt}`);
    await runCliOk([tree, '--threads', '3', '--out', walk, '--quiet'], { env: { PWALK_TEST_PAUSE_BEFORE_OPEN_MS: String(pauseMs) } });
    threadFiles = readdirSync(walk)
      .filter((n) => /^thread_\d+\.bin$/.test(n))
      .sort((a, b) => Number(a.slice(7, -4)) - Number(b.slice(7, -4)));
    expect(threadFiles.length).toBeGreaterThanOrEqual(2);
    recordsOf = new Map(threadFiles.map((n) => [n, pythonRecords(join(walk, n), join(base, 'scratch'))]));
    const empty = [...recordsOf].filter(([, recs]) => recs.length === 0).map(([n]) => n);
    if (empty.length === 0) break;
    if (attempt === 3) throw new Error(`after 4 walks, ${empty.join(', ')} still hold no records`);
  }
  victim = threadFiles[threadFiles.length - 1]!;
  others = threadFiles.slice(0, -1).flatMap((n) => recordsOf.get(n)!);
}, 120_000);
afterAll(() => removeTempBase(base));

interface DamageCase {
  name: string;
  damage: (dir: string) => void;
  /** The one line stderr must hold (after "pwalk-ts: "). */
  line: (dir: string) => RegExp;
  /** Records the damaged walk still holds, beyond those of the untouched files. */
  extra: (dir: string) => string[];
  /** The root the paths are printed under: the tree's, or '.' when the manifest is not the walk's. */
  rootKnown: boolean;
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const CASES: DamageCase[] = [
  {
    name: 'one thread file renamed (listed in the manifest, missing)',
    damage: (dir) => renameSync(join(dir, victim), join(dir, `${victim}.bak`)),
    line: (dir) => new RegExp(`^PWALK_IO: thread file ${esc(victim)} is missing: its \\d+ records are lost \\(${esc(join(dir, victim))}\\)$`),
    extra: () => [],
    rootKnown: true,
  },
  {
    name: 'one thread file emptied',
    damage: (dir) => truncateSync(join(dir, victim), 0),
    line: (dir) => new RegExp(`^PWALK_BAD_HEADER: file is 0 bytes, shorter than the 64-byte header \\(${esc(join(dir, victim))} at byte 0\\)$`),
    extra: () => [],
    rootKnown: true,
  },
  {
    name: 'one thread file cut to 10 bytes',
    damage: (dir) => truncateSync(join(dir, victim), 10),
    line: (dir) => new RegExp(`^PWALK_BAD_HEADER: file is 10 bytes, shorter than the 64-byte header \\(${esc(join(dir, victim))} at byte 0\\)$`),
    extra: () => [],
    rootKnown: true,
  },
  {
    name: 'one thread file cut mid-block',
    damage: (dir) => truncateSync(join(dir, victim), midBlockOffset(readFileSync(join(dir, victim)))),
    line: (dir) =>
      new RegExp(
        `^PWALK_TRUNCATED: file ends \\d+ of \\d+ bytes into a block; \\d+ of its \\d+ records were whole \\(${esc(join(dir, victim))} at byte \\d+\\)$`,
      ),
    extra: (dir) => {
      const whole = pythonRecords(join(dir, victim), join(base, 'scratch'));
      expect(whole.length, 'the cut keeps some whole records and loses some').toBeGreaterThan(0);
      expect(whole.length).toBeLessThan(recordsOf.get(victim)!.length);
      return whole;
    },
    rootKnown: true,
  },
  {
    name: 'manifest replaced by garbage',
    damage: (dir) => writeFileSync(join(dir, 'manifest.msgpack'), Buffer.from('\xc1 this is not a manifest\n', 'latin1')),
    line: (dir) => new RegExp(`^PWALK_BAD_MANIFEST: manifest is not valid MessagePack \\(${esc(join(dir, 'manifest.msgpack'))}\\)$`),
    extra: () => recordsOf.get(victim)!,
    rootKnown: false,
  },
  {
    name: "manifest replaced by another walk's",
    damage: (dir) => cpSync(join(otherWalk, 'manifest.msgpack'), join(dir, 'manifest.msgpack')),
    line: (dir) =>
      new RegExp(
        `^PWALK_BAD_MANIFEST: manifest is walk [0-9a-f]{32}'s, the thread files walk [0-9a-f]{32}'s: read without it .*\\(${esc(join(dir, 'manifest.msgpack'))}\\)$`,
      ),
    extra: () => recordsOf.get(victim)!,
    rootKnown: false,
  },
  {
    name: 'manifest deleted',
    damage: (dir) => rmSync(join(dir, 'manifest.msgpack')),
    line: (dir) => new RegExp(`^walk ${esc(dir)} is incomplete: it has no manifest\\.msgpack .*paths are relative to '\\.'$`),
    extra: () => recordsOf.get(victim)!,
    rootKnown: false,
  },
];

describe("a damaged walk is read, not refused: the whole files' records, one line per problem, exit 1", () => {
  it.concurrent.each(CASES)('$name: cat --format ndjson', async (c) => {
    const dir = damagedCopy(`cat-${CASES.indexOf(c)}`, c.damage);
    const r = await runCli(['cat', dir, '--format', 'ndjson']);
    expect(lines(r.stderr), r.stderr).toEqual([expect.stringMatching(/^pwalk-ts: /)]);
    expect(lines(r.stderr)[0]!.slice('pwalk-ts: '.length)).toMatch(c.line(dir));
    expect(r.code).toBe(1);
    const expected = sorted([...others, ...c.extra(dir)]);
    const printed = sorted(catRecords(r, c.rootKnown ? tree : '.'));
    expect(printed.length).toBe(expected.length);
    expect(printed).toEqual(expected);
  });

  it('a problem line shows the control characters of a path as \\xNN, never raw (a name could drive the terminal)', async () => {
    const dir = damagedCopy('named-\x1b]0;pwned\x07', (d) => truncateSync(join(d, victim), midBlockOffset(readFileSync(join(d, victim)))));
    const r = await runCli(['cat', dir, '--format', 'ndjson']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('named-\\x1b]0;pwned\\x07');
    expect([...r.stderr].filter((c) => c < ' ' && c !== '\n')).toEqual([]);
  });

  // info, du, export and sql read the walk through the same rule: the same records, the same line.
  const SUBSET = [CASES[0]!, CASES[3]!, CASES[5]!];
  it.concurrent.each(SUBSET)('$name: info, du, export and sql', async (c) => {
    const dir = damagedCopy(`commands-${CASES.indexOf(c)}`, c.damage);
    const expected = [...others, ...c.extra(dir)];
    const problemLine = (r: CliResult, what: string): void => {
      expect(lines(r.stderr), `${what}: ${r.stderr}`).toHaveLength(1);
      expect(lines(r.stderr)[0]!.slice('pwalk-ts: '.length), what).toMatch(c.line(dir));
      expect(r.code, what).toBe(1);
    };

    const info = await runCli(['info', dir, '--json']);
    problemLine(info, 'info');
    const verified = (parseJsonExact(info.stdout) as { verified: { entries: bigint } }).verified;
    expect(verified.entries).toBe(BigInt(expected.length));

    const du = await runCli(['du', dir, '--depth', '0', '--json']);
    problemLine(du, 'du');
    expect(parseNdjson(du.stdout)).toHaveLength(1);

    const parquet = join(base, 'cases', `export-${CASES.indexOf(c)}.parquet`);
    const exported = await runCli(['export', dir, '-o', parquet, '--quiet']);
    problemLine(exported, 'export');
    const rows = await duckRows(`SELECT inode::VARCHAR AS inode FROM read_parquet(${sqlPath(parquet)})`);
    expect(rows.map((row) => row.inode as string).sort()).toEqual(inodesOf(expected));

    const sql = await runCli(['sql', dir, 'SELECT inode::VARCHAR AS inode FROM entries', '--json', '--no-cache']);
    problemLine(sql, 'sql');
    const queried = (JSON.parse(sql.stdout) as { inode: string }[]).map((row) => row.inode).sort();
    expect(queried).toEqual(inodesOf(expected));
  });
});

describe('a folder holding nothing of a walk: exit 2, one line', () => {
  it.each([
    ['a thread file that is not one', (dir: string) => writeFileSync(join(dir, 'thread_0.bin'), 'not a walk\n')],
    [
      'a garbage manifest and an empty thread file',
      (dir: string) => {
        writeFileSync(join(dir, 'manifest.msgpack'), Buffer.from([0xc1]));
        writeFileSync(join(dir, 'thread_0.bin'), '');
      },
    ],
  ])('%s', async (_name, fill) => {
    const dir = join(base, 'cases', `nothing-${_name.length}`);
    mkdirSync(dir, { recursive: true });
    fill(dir);
    for (const command of ['cat', 'info', 'du']) {
      const r = await runCli([command, dir]);
      expect([r.code, r.stdout], command).toEqual([2, '']);
      expect(lines(r.stderr), command).toEqual([
        expect.stringMatching(new RegExp(`^pwalk-ts: not a walk folder: nothing in it is readable .*\\(${esc(dir)}\\)$`)),
      ]);
    }
  });
});
