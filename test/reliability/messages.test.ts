// Wrong command lines get one line of the project's own words: exit 2, stderr
// `pwalk-ts: ...` naming the flag, never node:util's "argument is ambiguous"
// paragraph, zod's wording or a stack trace. After `--` everything is an operand,
// and a walk folder that cannot be created says the errno that really happened.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSortedEntries, groundTruth, type Rec } from '../helpers/records.js';
import { runCli, runCliOk, type CliResult } from '../helpers/run-cli.js';
import { makeTempBase, removeTempBase } from '../helpers/trees.js';

let base: string;
let tree: string;
let walk: string;
let outCount = 0;

function nextOut(): string {
  return join(base, `out-${++outCount}`);
}

/** Exit 2 and exactly one line `pwalk-ts: ...` that names `flag`, in the project's words. */
function expectOneLine(r: CliResult, flag: string): void {
  const shown = JSON.stringify(r.stderr);
  expect(r.code, shown).toBe(2);
  expect(r.stdout, shown).toBe('');
  expect(r.stderr, shown).toMatch(/^pwalk-ts: [^\n]+\n$/);
  expect(r.stderr, shown).toContain(flag);
  expect(r.stderr, shown).not.toMatch(/ambiguous|Did you forget|To specify/);
  expect(r.stderr, shown).not.toMatch(/Too big|Too small|Expected|expected (int|string|number)|Number must be|Invalid (input|option)/);
  expect(r.stderr, shown).not.toMatch(/\n {4}at |internal error/);
}

beforeAll(async () => {
  base = makeTempBase('messages');
  tree = join(base, 'tree');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  writeFileSync(join(tree, 'a.txt'), 'a');
  writeFileSync(join(tree, 'sub', 'b.txt'), 'bb');
  walk = nextOut();
  await runCliOk([tree, '--out', walk, '--quiet', '--threads', '1']);
});

afterAll(() => removeTempBase(base));

describe('the cases of the issue', () => {
  it('--out W -- --help walks a folder named --help, not the help text', async () => {
    const cwd = join(base, 'cwd');
    mkdirSync(join(cwd, '--help', 'inner'), { recursive: true });
    writeFileSync(join(cwd, '--help', 'file'), 'x');
    writeFileSync(join(cwd, '--help', 'inner', 'deeper'), 'yy');
    const out = nextOut();
    const r = await runCli(['--out', out, '--quiet', '--threads', '1', '--', '--help'], { cwd });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    const recs = expectSortedEntries((await runCliOk(['cat', out, '--sort', 'path'])).stdout);
    // ground_truth.py would read a bare --help as its own flag: walk ./--help and drop the ./
    const truth = groundTruth('./--help', { cwd }).entries;
    const key = (r: Rec, prefix: number): string => `${r.pathBytes.subarray(prefix).toString()} ${r.type} ${r.inode} ${r.size} ${r.depth}`;
    expect(recs.map((r) => key(r, 0))).toEqual(truth.map((r) => key(r, 2)));
    expect(recs.map((r) => r.pathBytes.toString())).toContain('--help/inner/deeper');
  });

  it("a command's --help after -- is an operand too", async () => {
    const r = await runCli(['cat', '--', '--help']);
    expectOneLine(r, '--help');
  });

  it.each([
    [['--threads', '-1'], '--threads', 'must be a whole number from 1 to 1024, got -1'],
    [['--max-depth', '-1'], '--max-depth', 'must be a whole number from 0 to 1000000, got -1'],
    [['--threads', '99999999999999999999'], '--threads', 'must be a whole number from 1 to 1024, got 99999999999999999999'],
  ])('walk %j', async (flags, flag, words) => {
    const out = nextOut();
    const r = await runCli([tree, '--out', out, ...flags]);
    expectOneLine(r, flag);
    expect(r.stderr).toContain(words);
    expect(existsSync(out)).toBe(false);
  });

  it('du --depth -1', async () => {
    const r = await runCli(['du', walk, '--depth', '-1']);
    expectOneLine(r, '--depth');
    expect(r.stderr).toContain('got -1');
  });

  it('--out in a read-only bind mount says EROFS, not ENOENT', async () => {
    const ro = join(base, 'ro');
    mkdirSync(ro);
    execFileSync('mount', ['--bind', '-o', 'ro', ro, ro]);
    try {
      for (const out of [join(ro, 'w'), join(ro, 'a', 'b', 'w')]) {
        const r = await runCli([tree, '--out', out]);
        expectOneLine(r, out);
        expect(r.stderr).toBe(`pwalk-ts: cannot create the walk folder ${out}: read-only file system (EROFS)\n`);
      }
    } finally {
      execFileSync('umount', [ro]);
    }
  });

  it('a walk folder that is not there: the errno in words, not Node\'s "ENOENT: ..., stat" text', async () => {
    const missing = join(base, 'no-such-walk');
    for (const command of ['info', 'cat', 'du', 'usage', 'largest', 'report']) {
      const r = await runCli([command, missing]);
      expect([r.code, r.stderr]).toEqual([2, `pwalk-ts: cannot open walk folder: no such file or directory (ENOENT) (${missing})\n`]);
    }
  });

  it('a root whose name holds a newline is still one line', async () => {
    const r = await runCli([join(base, 'no\nsuch'), '--out', nextOut()]);
    expectOneLine(r, 'no\\x0asuch');
  });
});

/**
 * The audit: every command's flags with the classes of wrong values (negative,
 * huge, not whole, empty, NaN, `--flag=` empty, repeated, unknown, a flag where a
 * value belongs, a value given to a switch): [arguments after the command, the flag
 * the line must name]; W stands for a walk folder, F for a new file.
 */
const AUDIT: Record<string, [string[], string][]> = {
  walk: [
    [['--threads', '1.5'], '--threads'],
    [['--threads', 'NaN'], '--threads'],
    [['--threads', ''], '--threads'],
    [['--threads='], '--threads'],
    [['--threads', '1e3'], '--threads'],
    [['--threads', '-0'], '--threads'],
    [['--threads', '2', '--threads', '3'], '--threads'],
    [['--max-depth', '99999999999999999999'], '--max-depth'],
    [['--max-depth', '-5'], '--max-depth'],
    [['--no-threads'], '--no-threads'],
    [['--compact=yes'], '--compact'],
    [['--quiet', '--quiet'], '--quiet'],
    [['--out'], '--out'],
    [['--out='], '--out'],
    [['--out', '--quiet'], '--out'],
    [['--out', '-x'], '--out'],
    [['--exclude', ''], '--exclude'],
    [['--exclude', '*.tmp', '--exclude', '//'], 'exclude'],
    [['--engine', '-1'], '--engine'],
    [['--engine', ''], '--engine'],
    [['--queue', ''], '--queue'],
    [['--bogus'], '--bogus'],
    [['-x'], '-x'],
  ],
  worker: [
    [['--queue', 'redis://127.0.0.1:1', '--threads', '-1'], '--threads'],
    [['--queue', 'redis://127.0.0.1:1', '--threads', '99999999999999999999'], '--threads'],
    [['--queue', 'redis://127.0.0.1:1', '--queue', 'redis://127.0.0.1:2'], '--queue'],
    [['--queue', '-1'], '--queue'],
    [['--queue='], '--queue'],
  ],
  info: [
    [['W', '--json=1'], '--json'],
    [['W', '--verify=no'], '--verify'],
    [['W', '--json', '--json'], '--json'],
  ],
  cat: [
    [['W', '--format', '-1'], '--format'],
    [['W', '--format', ''], '--format'],
    [['W', '--sort='], '--sort'],
    [['W', '--format', 'csv', '--format', 'ndjson'], '--format'],
    [['W', '--errors=yes'], '--errors'],
  ],
  du: [
    [['W', '--depth', '-1'], '--depth'],
    [['W', '--depth', '99999999999999999999'], '--depth'],
    [['W', '--depth', '1.5'], '--depth'],
    [['W', '--depth='], '--depth'],
    [['W', '--top', '-3'], '--top'],
    [['W', '--top', '99999999999999999999'], '--top'],
    [['W', '--top', '5', '--by', ''], '--by'],
    [['W', '--depth', '1', '--depth', '2'], '--depth'],
  ],
  usage: [
    [['W', '--top', '-1'], '--top'],
    [['W', '--top', '99999999999999999999'], '--top'],
    [['W', '--top', 'NaN'], '--top'],
    [['W', '--by', '-1'], '--by'],
  ],
  largest: [
    [['W', '--top', '-5'], '--top'],
    [['W', '--top', '99999999999999999999'], '--top'],
    [['W', '--top', ''], '--top'],
  ],
  export: [
    [['W', '-o', 'F', '--row-group-size', '-1'], '--row-group-size'],
    [['W', '-o', 'F', '--row-group-size', '99999999999999999999'], '--row-group-size'],
    [['W', '-o', '-x'], '-o'],
    [['W', '-o', 'F', '-o', 'F'], '-o'],
  ],
  sql: [
    [['W', 'SELECT 1', '--memory-limit', '-1'], '--memory-limit'],
    [['W', 'SELECT 1', '--memory-limit', '99999999999999999999GB'], '--memory-limit'],
    [['W', 'SELECT 1', '--temp-dir', ''], '--temp-dir'],
    [['W', 'SELECT 1', '--cache-dir='], '--cache-dir'],
    [['W', 'SELECT 1', '--csv=1'], '--csv'],
  ],
  report: [
    [['W', '--top', '-1'], '--top'],
    [['W', '--top', '99999999999999999999'], '--top'],
    [['W', '--html', ''], '--html'],
    [['W', '--json='], '--json'],
  ],
  diff: [
    [['W', 'W', '--top', '-1'], '--top'],
    [['W', 'W', '--html', ''], '--html'],
  ],
};

describe.concurrent.each(Object.keys(AUDIT))('%s: wrong flags', (command) => {
  it.each(AUDIT[command]!)('%j', async (args, flag) => {
    const out = nextOut();
    const filled = args.map((a) => (a === 'W' ? walk : a === 'F' ? `${nextOut()}.parquet` : a));
    const argv = command === 'walk' ? [tree, '--out', out, ...filled] : [command, ...filled];
    // In the temp folder: a line that wrongly succeeds writes its files there, not in the repository.
    const r = await runCli(argv, { cwd: base });
    expectOneLine(r, flag);
    if (command === 'walk') expect(existsSync(out)).toBe(false);
  });
});
