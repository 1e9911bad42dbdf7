// Permission failures, walked as `nobody`: a directory with no permission at all, one
// that can be listed but not searched (r--), one that can be searched but not listed
// (--x). Every other entry must be present, and each failure must be an error record
// with path, syscall and EACCES; the walk exits 1. On the native and the
// TypeScript scanner routes.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntries, cliErrors, diffRecords, errorKeys, expectSortedEntries, groundTruth, showPath, type ErrRec, type Rec } from '../helpers/records.js';
import { ACTIVE_ROUTES, describeRoutes, type Route } from '../helpers/routes.js';
import { parseCsv, parseJsonExact, REPO, runCli, runCliOk, type CliResult } from '../helpers/run-cli.js';
import { makeTempBase, removeTempBase } from '../helpers/trees.js';

const NOBODY_UID = 65534;
const NOBODY_GID = 65534;
const THREADS = [1, 2, 8] as const;

let base: string;
let tree: string;
let outs: string;
let truth: { entries: Rec[]; errors: ErrRec[] };
const walks = new Map<string, { out: string; walk: CliResult }>();

function walkOf(route: Route, threads: number): { out: string; walk: CliResult } {
  return walks.get(`${route}/${threads}`)!;
}
let skipReason: string | null = null;

/** The failures the tree is built to produce, written out by hand. */
function expectedErrors(root: string): string[] {
  return [
    [`${root}/noperm`, 'scandir'],
    [`${root}/listonly/a`, 'lstat'],
    [`${root}/listonly/b`, 'lstat'],
    [`${root}/listonly/name\xff`, 'lstat'],
    [`${root}/listonly/subdir`, 'lstat'],
    [`${root}/searchonly`, 'scandir'],
    [`${root}/deep/ok2/noperm2`, 'scandir'],
  ]
    .map(([p, s]) => `${showPath(Buffer.from(p!, 'latin1'))} ${s} EACCES`)
    .sort();
}

function canRunAsNobody(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root';
  try {
    execFileSync(
      'setpriv',
      [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        process.execPath,
        '-e',
        `require('fs').readFileSync(${JSON.stringify(join(REPO, 'packages/cli/bin/pwalk-ts.js'))})`,
      ],
      { stdio: 'pipe' },
    );
    return null;
  } catch (err) {
    return `nobody cannot run node on the repo: ${(err as Error).message.split('\n')[0]}`;
  }
}

beforeAll(async () => {
  skipReason = canRunAsNobody();
  if (skipReason !== null) return;
  base = makeTempBase('perm');
  tree = join(base, 'tree');
  outs = join(base, 'outs');
  mkdirSync(outs);
  chownSync(outs, NOBODY_UID, NOBODY_GID);
  const dirs = ['ok/sub', 'noperm/hiddendir', 'listonly/subdir', 'searchonly/d', 'deep/ok2/noperm2/inner'];
  for (const d of dirs) mkdirSync(join(tree, d), { recursive: true });
  for (const f of [
    'ok/f1',
    'ok/sub/f2',
    'noperm/hidden1',
    'noperm/hiddendir/x',
    'listonly/a',
    'listonly/b',
    'listonly/subdir/y',
    'searchonly/c',
    'searchonly/d/e',
    'deep/ok2/f3',
    'deep/ok2/noperm2/inner/z',
    'fine.txt',
  ]) {
    writeFileSync(join(tree, f), f);
  }
  writeFileSync(Buffer.from(join(tree, 'listonly/name\xff'), 'latin1'), 'not UTF-8');
  chmodSync(join(tree, 'noperm'), 0o000);
  chmodSync(join(tree, 'listonly'), 0o444);
  chmodSync(join(tree, 'searchonly'), 0o111);
  chmodSync(join(tree, 'deep/ok2/noperm2'), 0o700); // root's own: others get nothing
  // settle directory atimes (read as root, who can read everything), then take the truth as nobody
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  groundTruth(tree);
  truth = groundTruth(tree, { asNobody: true, cwd: base });
  for (const route of ACTIVE_ROUTES) {
    for (const threads of THREADS) {
      const out = join(outs, `out-${route}-${threads}`);
      const walk = await runCli([tree, '--out', out, '--threads', String(threads), '--quiet'], { asNobody: true, cwd: base, route });
      walks.set(`${route}/${threads}`, { out, walk });
    }
  }
});

afterAll(() => removeTempBase(base));

describe('as nobody', () => {
  it('can run (or the reason is printed)', (ctx) => {
    if (skipReason !== null) {
      console.warn(`skipping the nobody tests: ${skipReason}`);
      ctx.skip();
    }
    // the fixture: ground truth (as nobody) sees exactly the failures the tree was built for
    expect(errorKeys(truth.errors)).toEqual(expectedErrors(tree));
    expect(truth.errors.every((e) => e.code === 'EACCES')).toBe(true);
  });

  describeRoutes((route) => {
    describe.each(THREADS)('--threads %i', (threads) => {
      it('exits 1, says how many errors on stderr, no stack trace', (ctx) => {
        if (skipReason !== null) ctx.skip();
        const { walk, out } = walkOf(route, threads);
        expect(walk.code, walk.stderr).toBe(1);
        expect(walk.stderr).toMatch(/\b7 errors\b/);
        expect(walk.stderr).toContain(`pwalk-ts cat ${out} --errors`);
        expect(walk.stderr).not.toMatch(/\n\s+at |internal error/);
      });

      it('records every other entry, matching the ground truth', async (ctx) => {
        if (skipReason !== null) ctx.skip();
        const cat = await runCliOk(['cat', walkOf(route, threads).out, '--sort', 'path']);
        const actual = expectSortedEntries(cat.stdout);
        expect(diffRecords(actual, truth.entries)).toEqual([]);
        // the unreadable directories themselves are entries; what is inside them is not
        const rels = actual.map((r) => r.path.slice(tree.length));
        for (const p of ['/noperm', '/listonly', '/searchonly', '/deep/ok2/noperm2', '/ok/sub/f2', '/deep/ok2/f3', '/fine.txt']) expect(rels).toContain(p);
        for (const p of ['/noperm/hidden1', '/listonly/a', '/searchonly/c', '/deep/ok2/noperm2/inner']) expect(rels).not.toContain(p);
      });

      it('has one error record per failure: path, syscall, EACCES (ndjson and csv)', async (ctx) => {
        if (skipReason !== null) ctx.skip();
        const { out } = walkOf(route, threads);
        const nd = await runCliOk(['cat', out, '--errors', '--sort', 'path']);
        const problems: string[] = [];
        const errors = cliErrors(nd.stdout, problems);
        expect(problems).toEqual([]);
        expect(errorKeys(errors)).toEqual(expectedErrors(tree));
        expect(errorKeys(errors)).toEqual(errorKeys(truth.errors));
        const csv = await runCliOk(['cat', out, '--errors', '--format', 'csv', '--sort', 'path']);
        const rows = parseCsv(csv.stdoutBytes);
        expect(rows[0]!.map((f) => f.toString())).toEqual(['path', 'syscall', 'code']);
        expect(
          rows
            .slice(1)
            .map((r) => `${showPath(r[0]!)} ${r[1]!.toString()} ${r[2]!.toString()}`)
            .sort(),
        ).toEqual(expectedErrors(tree));
      });

      it('info --json counts the errors and the entries', async (ctx) => {
        if (skipReason !== null) ctx.skip();
        const r = await runCliOk(['info', walkOf(route, threads).out, '--json']);
        const j = parseJsonExact(r.stdout) as {
          status: string;
          manifest: { totals: { entries: bigint; errors: bigint } };
          verified: { entries: bigint; errors: bigint };
        };
        expect(j.status).toBe('complete');
        expect(j.manifest.totals.errors).toBe(7n);
        expect(j.manifest.totals.entries).toBe(BigInt(truth.entries.length));
        expect(j.verified.errors).toBe(7n);
        expect(j.verified.entries).toBe(BigInt(truth.entries.length));
      });
    });

    it('a root that cannot be read: its own record plus one scandir error, exit 1', async (ctx) => {
      if (skipReason !== null) ctx.skip();
      const root = join(tree, 'noperm');
      const out = join(outs, `out-root-${route}`);
      const walk = await runCli([root, '--out', out, '--quiet'], { asNobody: true, cwd: base, route });
      expect(walk.code, walk.stderr).toBe(1);
      const cat = await runCliOk(['cat', out, '--sort', 'path']);
      const problems: string[] = [];
      const entries = cliEntries(cat.stdout, problems);
      expect(problems).toEqual([]);
      const expected = groundTruth(root, { asNobody: true, cwd: base });
      expect(diffRecords(entries, expected.entries)).toEqual([]);
      expect(entries).toHaveLength(1);
      const errs = cliErrors((await runCliOk(['cat', out, '--errors'])).stdout, problems);
      expect(errorKeys(errs)).toEqual([`${showPath(Buffer.from(root))} scandir EACCES`]);
      expect(errorKeys(errs)).toEqual(errorKeys(expected.errors));
    });
  });

  it('a root nobody cannot reach (inside a 0700 folder): exit 2, one line naming it', async (ctx) => {
    if (skipReason !== null) ctx.skip();
    const root = join(tree, 'deep/ok2/noperm2/inner');
    const out = join(outs, 'out-unreachable');
    const walk = await runCli([root, '--out', out], { asNobody: true, cwd: base });
    expect(walk.code).toBe(2);
    expect(walk.stderr.trimEnd().split('\n'), walk.stderr).toHaveLength(1);
    expect(walk.stderr).toContain(root);
    expect(walk.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  it('an output folder nobody cannot create: exit 2, one line', async (ctx) => {
    if (skipReason !== null) ctx.skip();
    const out = join(tree, 'ok', 'not-writable-by-nobody');
    const walk = await runCli([join(tree, 'ok'), '--out', out], { asNobody: true, cwd: base });
    expect(walk.code).toBe(2);
    expect(walk.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(walk.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(() => readFileSync(join(out, 'manifest.msgpack'))).toThrow();
  });
});
