// Walk options (--exclude, --max-depth, --compact, --no-snapshots,
// --one-file-system), the forms a root argument can take, and usage errors.
// Expected record sets are the ground truth filtered by rules written out here.
// Every walk runs on the native and on the TypeScript scanner route.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntries, COMPACT_NULL_KEYS, diffRecords, expectSortedEntries, groundTruth, settleAtimes, type Rec } from './helpers/records.js';
import { describeRoutes, type Route } from './helpers/routes.js';
import { parseJsonExact, runCli, runCliOk } from './helpers/run-cli.js';
import { buildSkewedTree, buildWideTree, makeTempBase, removeTempBase } from './helpers/trees.js';

let base: string;
let tree: string;
let truth: Rec[];
let outCount = 0;

function nextOut(): string {
  return join(base, `out-${++outCount}`);
}

/** Path below the root, as latin-1 text (one char per byte); '' for the root. */
function relOf(r: Rec, root = tree): string {
  const rootBytes = Buffer.from(root);
  if (r.pathBytes.equals(rootBytes)) return '';
  const sep = root.endsWith('/') ? 0 : 1;
  return r.pathBytes.subarray(rootBytes.length + sep).toString('latin1');
}

function segments(r: Rec): string[] {
  return relOf(r).split('/');
}

type WalkOutcome = { recs: Rec[]; code: number | null; stderr: string; out: string };

/** Walks `tree` with extra flags and returns the sorted records (and the walk's outcome). */
async function walkWith(flags: string[], root = tree, cwd?: string, route?: Route): Promise<WalkOutcome> {
  const out = nextOut();
  const walk = await runCli([root, '--out', out, '--quiet', ...flags], { cwd, route });
  const cat = await runCliOk(['cat', out, '--sort', 'path']);
  const recs = expectSortedEntries(cat.stdout, flags.includes('--compact'));
  return { recs, code: walk.code, stderr: walk.stderr, out };
}

/** walkWith on one scanner route. */
function walkerOn(route: Route): (flags: string[], root?: string, cwd?: string) => Promise<WalkOutcome> {
  return (flags, root = tree, cwd) => walkWith(flags, root, cwd, route);
}

function touch(path: string, data = ''): void {
  writeFileSync(path, data);
}

beforeAll(() => {
  base = makeTempBase('opts');
  tree = join(base, 'tree');
  buildSkewedTree(join(tree, 'skewed'));
  for (const d of ['keep/deep/x', 'cache/inner', 'other/logs', 'logs/sub', '.snapshot/hourly.0', 'sub/.snapshot/daily', 'files', 'd1/d2/d3/d4']) {
    mkdirSync(join(tree, d), { recursive: true });
  }
  touch(join(tree, 'keep/a.txt'), 'a');
  touch(join(tree, 'keep/b.tmp'), 'b');
  touch(join(tree, 'keep/deep/x/c.tmp'), 'c');
  touch(join(tree, 'keep/deep/x/d.txt'), 'd');
  touch(join(tree, 'keep/deep/e.txt'), 'e');
  touch(join(tree, 'cache/inner/blob'), 'blob');
  touch(join(tree, 'cache/top'), 'top');
  touch(join(tree, 'other/cache'), 'a file named cache');
  touch(join(tree, 'other/logs/app.log'), 'l1');
  touch(join(tree, 'logs/app.log'), 'l2');
  touch(join(tree, 'logs/keep.txt'), 'l3');
  touch(join(tree, 'logs/sub/app.log'), 'l4');
  touch(join(tree, '.snapshot/hourly.0/old'), 'old');
  touch(join(tree, 'sub/.snapshot/daily/older'), 'older');
  touch(join(tree, 'sub/real'), 'real');
  touch(join(tree, 'files/.snapshot'), 'a regular file named .snapshot');
  touch(join(tree, 'd1/d2/d3/d4/f'), 'f');
  touch(join(tree, 'rootfile'), 'rf');
  symlinkSync('tree', join(base, 'link-to-tree'));
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
});

afterAll(() => removeTempBase(base));

describe.concurrent('--exclude', () => {
  describeRoutes((route) => {
    const walkWith = walkerOn(route);
    it('a pattern without / matches names at any depth (*.tmp)', async () => {
      const { recs, code } = await walkWith(['--exclude', '*.tmp', '--threads', '2']);
      expect(code).toBe(0);
      const expected = truth.filter((r) => !segments(r).at(-1)!.endsWith('.tmp'));
      expect(truth.length - expected.length).toBe(2);
      expect(diffRecords(recs, expected)).toEqual([]);
    });

    it('a name pattern leaves out a directory with its whole subtree, and files of that name', async () => {
      const { recs, code } = await walkWith(['--exclude', 'cache', '--threads', '2']);
      expect(code).toBe(0);
      const expected = truth.filter((r) => !segments(r).includes('cache'));
      expect(truth.length - expected.length).toBe(5); // cache, cache/inner, cache/inner/blob, cache/top, other/cache
      expect(diffRecords(recs, expected)).toEqual([]);
    });

    it('a pattern with / matches the path from the root only', async () => {
      const { recs, code } = await walkWith(['--exclude', 'logs/*.log', '--threads', '2']);
      expect(code).toBe(0);
      const expected = truth.filter((r) => relOf(r) !== 'logs/app.log');
      expect(truth.length - expected.length).toBe(1);
      expect(diffRecords(recs, expected)).toEqual([]);
    });

    it('a path pattern naming a directory leaves out its subtree', async () => {
      const { recs, code } = await walkWith(['--exclude', 'keep/deep', '--threads', '1']);
      expect(code).toBe(0);
      const expected = truth.filter((r) => relOf(r) !== 'keep/deep' && !relOf(r).startsWith('keep/deep/'));
      expect(truth.length - expected.length).toBe(5);
      expect(diffRecords(recs, expected)).toEqual([]);
    });

    it('repeated --exclude flags all apply', async () => {
      const { recs, code } = await walkWith(['--exclude', '*.tmp', '--exclude', 'skewed', '--exclude', 'd1/d2', '--threads', '8']);
      expect(code).toBe(0);
      const expected = truth.filter((r) => {
        const s = segments(r);
        return !s.at(-1)!.endsWith('.tmp') && s[0] !== 'skewed' && !(s[0] === 'd1' && s[1] === 'd2');
      });
      expect(diffRecords(recs, expected)).toEqual([]);
    });
  });
});

describe.concurrent('--max-depth', () => {
  describeRoutes((route) => {
    const walkWith = walkerOn(route);
    it.each([0, 1, 2, 4])('--max-depth %i records entries down to that depth only', async (depth) => {
      const { recs, code } = await walkWith(['--max-depth', String(depth), '--threads', '2']);
      expect(code).toBe(0);
      const expected = truth.filter((r) => r.depth! <= BigInt(depth));
      expect(diffRecords(recs, expected)).toEqual([]);
      if (depth === 0) expect(recs).toHaveLength(1);
    });
  });
});

describe.concurrent('--compact', () => {
  describeRoutes((route) => {
    const walkWith = walkerOn(route);
    it('records path, type, size, mtime and inodes exactly; the other fields are null', async () => {
      const { recs, code, out } = await walkWith(['--compact', '--threads', '2']);
      expect(code).toBe(0);
      expect(diffRecords(recs, truth, { ignore: COMPACT_NULL_KEYS })).toEqual([]);
      const notNull = recs.filter((r) => COMPACT_NULL_KEYS.some((k) => r[k] !== null));
      expect(notNull.map((r) => relOf(r))).toEqual([]);
      const info = await runCliOk(['info', out, '--json']);
      const j = parseJsonExact(info.stdout) as { manifest: { options: { compact: boolean } } };
      expect(j.manifest.options.compact).toBe(true);
      const csv = await runCliOk(['cat', out, '--format', 'csv', '--sort', 'path']);
      // root row: path, type, size, then 8 empty fields among the integers
      const firstRow = csv.stdout.split('\r\n')[1]!;
      expect(firstRow).toMatch(new RegExp(`^"${tree.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}",dir,\\d+,,,,,,\\d+,0,,,\\d+,,0$`));
    });
  });
});

describe.concurrent('--no-snapshots', () => {
  describeRoutes((route) => {
    const walkWith = walkerOn(route);
    it('without the flag, .snapshot directories are walked', async () => {
      const { recs, code } = await walkWith(['--threads', '2']);
      expect(code).toBe(0);
      expect(diffRecords(recs, truth)).toEqual([]);
    });

    it('leaves out .snapshot directories at any depth, with their subtrees', async () => {
      const { recs, code } = await walkWith(['--no-snapshots', '--threads', '2']);
      expect(code).toBe(0);
      const isSnapshotDir = (r: Rec): boolean => {
        const s = segments(r);
        const i = s.indexOf('.snapshot');
        return i >= 0 && (i < s.length - 1 || r.type === 'dir');
      };
      const expected = truth.filter((r) => !isSnapshotDir(r));
      expect(truth.length - expected.length).toBe(6);
      const missing = diffRecords(recs, expected).filter((d) => !d.includes('files/.snapshot'));
      expect(missing).toEqual([]);
    });

    it('keeps a regular file named .snapshot (only directories are left out, per --help and README)', async () => {
      const { recs } = await walkWith(['--no-snapshots', '--threads', '1']);
      expect(recs.map((r) => relOf(r))).toContain('files/.snapshot');
    });
  });
});

describe.concurrent('--one-file-system', () => {
  let mnt: string | null = null;
  let mountReason = '';

  beforeAll(() => {
    const where = join(base, 'xdev');
    mkdirSync(join(where, 'before'), { recursive: true });
    touch(join(where, 'before/f'), 'f');
    mkdirSync(join(where, 'mnt'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0755', 'pwalk-test', join(where, 'mnt')], { stdio: 'pipe' });
      mnt = join(where, 'mnt');
      mkdirSync(join(mnt, 'inside/deeper'), { recursive: true });
      touch(join(mnt, 'inside/deeper/file'), 'on tmpfs');
    } catch (err) {
      mountReason = `cannot mount tmpfs (${(err as Error).message.split('\n')[0]})`;
    }
  });

  afterAll(() => {
    if (mnt !== null) execFileSync('umount', [mnt]);
  });

  let wideTruth: Rec[] | undefined;

  describeRoutes((route) => {
    const walkWith = walkerOn(route);
    it.each([1, 2, 8])('on one filesystem, --threads %i records every entry', async (threads) => {
      // A tree wide enough that workers other than the first one read directories.
      const wide = join(base, 'wide');
      if (!existsSync(wide)) {
        buildWideTree(wide, 30, 10);
        settleAtimes(wide);
      }
      wideTruth ??= groundTruth(wide).entries;
      const expected = wideTruth;
      expect(expected).toHaveLength(1 + 30 + 900 * 11);
      const { recs, code } = await walkWith(['--one-file-system', '--threads', String(threads)], wide);
      expect(code).toBe(0);
      expect(diffRecords(recs, expected)).toEqual([]);
    });

    it.for([1, 8])('records a mount point but does not descend into it (--threads %i)', async (threads, ctx) => {
      if (mnt === null) {
        console.warn(`skipping --one-file-system mount test: ${mountReason}`);
        ctx.skip();
      }
      const root = join(base, 'xdev');
      settleAtimes(root);
      const expected = groundTruth(root, { oneFileSystem: true }).entries;
      const all = groundTruth(root).entries;
      expect(all.length - expected.length).toBe(3); // inside, inside/deeper, inside/deeper/file
      expect(expected.some((r) => r.pathBytes.equals(Buffer.from(mnt!)))).toBe(true);
      const { recs, code } = await walkWith(['--one-file-system', '--threads', String(threads)], root);
      expect(code).toBe(0);
      expect(diffRecords(recs, expected)).toEqual([]);
    });
  });
});

describe.concurrent('the root argument', () => {
  describeRoutes((route) => {
    const walkWith = walkerOn(route);
    async function compareRoot(root: string, cwd: string): Promise<void> {
      const expected = groundTruth(root, { cwd }).entries;
      const { recs, code } = await walkWith(['--threads', '2'], root, cwd);
      expect(code).toBe(0);
      expect(recs[0]!.path).toBe(root);
      expect(recs[0]!.parentInode).toBe(0n);
      expect(recs[0]!.depth).toBe(0n);
      expect(diffRecords(recs, expected)).toEqual([]);
    }

    it('relative: paths start with the root as given; the manifest also has it resolved', async () => {
      await compareRoot('tree', base);
      const { out } = await walkWith(['--threads', '1', '--max-depth', '0'], 'tree', base);
      const info = await runCliOk(['info', out, '--json']);
      const j = JSON.parse(info.stdout) as { manifest: { root: string; rootAbsolute: string } };
      expect(j.manifest.root).toBe('tree');
      expect(j.manifest.rootAbsolute).toBe(tree);
    });

    it('with a trailing slash: no double slash', async () => {
      await compareRoot('tree/', base);
      const { recs } = await walkWith(['--threads', '1'], 'tree/', base);
      expect(recs.filter((r) => r.path.includes('//')).map((r) => r.path)).toEqual([]);
      expect(recs.some((r) => r.path === 'tree/keep/a.txt')).toBe(true);
    });

    it('as . and ./tree', async () => {
      await compareRoot('.', tree);
      await compareRoot('./tree', base);
    });

    it('absolute with a trailing slash', async () => {
      await compareRoot(`${tree}/`, '/');
    });

    it('a symlink is recorded, not followed; with a trailing slash it is walked through', async () => {
      const plain = await walkWith(['--threads', '2'], 'link-to-tree', base);
      expect(plain.code).toBe(0);
      expect(plain.recs.map((r) => [r.path, r.type])).toEqual([['link-to-tree', 'symlink']]);
      await compareRoot('link-to-tree/', base);
    });

    it('a regular file is the only record', async () => {
      const { recs, code } = await walkWith(['--threads', '2'], join(tree, 'rootfile'));
      expect(code).toBe(0);
      expect(diffRecords(recs, groundTruth(join(tree, 'rootfile')).entries)).toEqual([]);
      expect(recs).toHaveLength(1);
    });
  });
});

describe.concurrent('output', () => {
  describeRoutes((route) => {
    it('--out may be an existing empty folder', async () => {
      const out = nextOut();
      mkdirSync(out);
      const walk = await runCli([tree, '--out', out, '--threads', '2', '--quiet'], { route });
      expect(walk.stderr).toBe('');
      expect(walk.code).toBe(0);
      const cat = await runCliOk(['cat', out, '--sort', 'path']);
      const problems: string[] = [];
      expect(diffRecords(cliEntries(cat.stdout, problems), truth)).toEqual([]);
    });

    it('without --quiet: a one-line summary on stderr with the entry count, nothing on stdout', async () => {
      const out = nextOut();
      const walk = await runCli([tree, '--out', out, '--threads', '2'], { route });
      expect(walk.code).toBe(0);
      expect(walk.stdout).toBe('');
      const lines = walk.stderr.trimEnd().split('\n');
      expect(lines, walk.stderr).toHaveLength(1);
      expect(lines[0]).toContain(`${truth.length.toLocaleString('en-US')} entries`);
      expect(lines[0]).toContain('0 errors');
      expect(lines[0]).toContain(out);
    });
  });
});

describe.concurrent('usage errors: exit 2, one line on stderr, no stack trace', () => {
  function expectUsageError(r: { code: number | null; stdout: string; stderr: string }): void {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.endsWith('\n'), JSON.stringify(r.stderr)).toBe(true);
    expect(r.stderr.trimEnd().split('\n'), JSON.stringify(r.stderr)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error|Error:/);
    expect(r.stderr.length).toBeGreaterThan('pwalk-ts: '.length);
    expect(r.stdout).toBe('');
  }

  it.each([
    ['an unknown flag', ['--bogus']],
    ['--threads 0', ['--threads', '0']],
    ['--threads abc', ['--threads', 'abc']],
    ['--threads 1.5', ['--threads', '1.5']],
    ['--threads without a value', ['--threads']],
    ['--max-depth abc', ['--max-depth', 'abc']],
  ])('%s', async (_name, flags) => {
    const out = nextOut();
    const r = await runCli([tree, '--out', out, ...flags]);
    expectUsageError(r);
    expect(existsSync(out)).toBe(false);
  });

  it('a missing root', async () => {
    const out = nextOut();
    const r = await runCli(['--out', out, '--threads', '2']);
    expectUsageError(r);
    expect(existsSync(out)).toBe(false);
  });

  it('no arguments at all (a missing root too)', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n'), JSON.stringify(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^pwalk-ts: .+/);
  });

  it('a root that does not exist', async () => {
    const out = nextOut();
    const r = await runCli([join(base, 'no-such-root'), '--out', out]);
    expectUsageError(r);
    expect(r.stderr).toContain('no-such-root');
    expect(existsSync(out)).toBe(false);
  });

  it('--out pointing at a folder that is not empty (left untouched)', async () => {
    const out = nextOut();
    mkdirSync(out);
    touch(join(out, 'precious.txt'), 'keep me');
    const r = await runCli([tree, '--out', out, '--threads', '2']);
    expectUsageError(r);
    expect(readdirSync(out)).toEqual(['precious.txt']);
  });

  it('--out pointing at a folder that already holds a walk', async () => {
    const { out } = await walkWith(['--threads', '1', '--max-depth', '1']);
    const before = readdirSync(out).sort();
    const r = await runCli([tree, '--out', out, '--threads', '2']);
    expectUsageError(r);
    expect(readdirSync(out).sort()).toEqual(before);
  });

  it('cat and info on a folder that is not a walk, and cat --format xml', async () => {
    const empty = nextOut();
    mkdirSync(empty);
    expectUsageError(await runCli(['cat', empty]));
    expectUsageError(await runCli(['info', empty]));
    expectUsageError(await runCli(['info', join(base, 'no-such-walk')]));
    const { out } = await walkWith(['--threads', '1', '--max-depth', '0']);
    expectUsageError(await runCli(['cat', out, '--format', 'xml']));
    expectUsageError(await runCli(['cat', out, '--sort', 'size']));
  });
});
