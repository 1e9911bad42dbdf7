// The shapes that stress the work sharing and the path handling: a directory of
// 100 000 entries, a chain 300 directories deep, and paths longer than PATH_MAX
// (4096 bytes). Walked with 1, 2 and 8 threads on the TypeScript routes and with 1
// and 8 on the native route (fewer walks keep the suite short), compared with
// ground_truth.py. With --threads 1 both routes write byte-identical files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntries, cliErrors, diffRecords, expectSortedEntries, groundTruth, settleAtimes, type Rec } from './helpers/records.js';
import { ACTIVE_ROUTES, describeRoutes, nativeSkipReason, type Route } from './helpers/routes.js';
import { runCli, runCliOk, type CliResult } from './helpers/run-cli.js';
import { buildDeepChain, buildHugeDir, buildLongPath, makeTempBase, removeTempBase } from './helpers/trees.js';

const THREADS = [1, 2, 8] as const;
/** The thread counts each route walks with. */
const ROUTE_THREADS: Record<Route, readonly number[]> = { native: [1, 8], ts: THREADS };
const HUGE = 100_000;
const CHAIN = 300;

let base: string;
let tree: string;
let truth: Rec[];
let longInfo: { levels: number; deepestBytes: number };
const walks = new Map<string, { out: string; walk: CliResult; cat: CliResult }>();

function walkOf(route: Route, threads: number): { out: string; walk: CliResult; cat: CliResult } {
  return walks.get(`${route}/${threads}`)!;
}

beforeAll(async () => {
  base = makeTempBase('big');
  tree = join(base, 'tree');
  buildHugeDir(join(tree, 'huge'), HUGE);
  buildDeepChain(join(tree, 'chain'), CHAIN);
  longInfo = buildLongPath(join(tree, 'long'));
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
  for (const route of ACTIVE_ROUTES) {
    for (const threads of ROUTE_THREADS[route]) {
      const out = join(base, `out-${route}-${threads}`);
      const walk = await runCli([tree, '--out', out, '--threads', String(threads), '--quiet'], { route });
      const cat = await runCli(['cat', out, '--sort', 'path']);
      walks.set(`${route}/${threads}`, { out, walk, cat });
    }
  }
});

afterAll(() => removeTempBase(base));

it('fixture: the ground truth has the huge directory, the chain and paths past 4096 bytes', () => {
  expect(truth.filter((r) => r.pathBytes.includes('/huge/f')).length).toBe(HUGE);
  expect(truth.some((r) => r.depth === BigInt(CHAIN + 1))).toBe(true);
  expect(Math.max(...truth.map((r) => r.pathBytes.length))).toBeGreaterThan(4096 + 1000);
  expect(longInfo.levels).toBeGreaterThan(20);
});

describeRoutes((route) => {
  describe.each(ROUTE_THREADS[route])('--threads %i', (threads) => {
    it('exits 0 with nothing on stderr', () => {
      const { walk } = walkOf(route, threads);
      expect(walk.stderr).toBe('');
      expect(walk.code).toBe(0);
    });

    it('matches the ground truth field by field, in path byte order', () => {
      const { cat } = walkOf(route, threads);
      expect(cat.stderr).toBe('');
      expect(cat.code).toBe(0);
      expect(diffRecords(expectSortedEntries(cat.stdout), truth)).toEqual([]);
    });

    it('records the paths past PATH_MAX without errors, byte-exact', async () => {
      const { out, cat } = walkOf(route, threads);
      const problems: string[] = [];
      const actual = cliEntries(cat.stdout, problems);
      const long = actual.filter((r) => r.pathBytes.length > 4096);
      const expected = truth.filter((r) => r.pathBytes.length > 4096);
      expect(expected.length).toBeGreaterThan(20);
      expect(diffRecords(long, expected)).toEqual([]);
      // the non-UTF-8 name, the symlink and the 255-byte name below 4096+ bytes
      expect(long.some((r) => r.pathBytes.includes(Buffer.from('/bytes\xff\xfename', 'latin1')))).toBe(true);
      expect(long.some((r) => r.type === 'symlink')).toBe(true);
      expect(long.some((r) => r.pathBytes.includes(Buffer.from('/side/' + 's'.repeat(255))))).toBe(true);
      const errors = await runCliOk(['cat', out, '--errors']);
      expect(cliErrors(errors.stdout, problems)).toEqual([]);
    });

    it('info --json counts every entry', async () => {
      const { out } = walkOf(route, threads);
      const r = await runCliOk(['info', out, '--json']);
      const j = JSON.parse(r.stdout) as { manifest: { totals: { entries: number; dirs: number; files: number; errors: number } } };
      expect(j.manifest.totals).toMatchObject({
        entries: truth.length,
        dirs: truth.filter((e) => e.type === 'dir').length,
        files: truth.filter((e) => e.type === 'file').length,
        errors: 0,
      });
    });
  });

  it('prints byte-identical sorted output for every thread count', () => {
    const [a, ...others] = ROUTE_THREADS[route].map((t) => walkOf(route, t).cat.stdout);
    expect(a!.length).toBeGreaterThan(HUGE * 100);
    for (const b of others) expect(b === a).toBe(true);
  });
});

describe.skipIf(nativeSkipReason !== null)('the native and the TypeScript routes', () => {
  it('write byte-identical thread files with --threads 1 (several blocks; all but the walk id)', () => {
    const read = (route: Route): Buffer => {
      const bytes = readFileSync(join(walkOf(route, 1).out, 'thread_0.bin'));
      bytes.fill(0, 16, 32); // the walk id (FORMAT.md 2.1)
      return bytes;
    };
    const native = read('native');
    const ts = read('ts');
    // Several blocks, so blocks end at the same record on both routes (format 2's 1 MiB block holds about 30 000 records).
    let blocks = 0;
    for (let at = 64; at < native.length; at += 16 + native.readUInt32LE(at + 4)) blocks++;
    expect(blocks).toBeGreaterThanOrEqual(2);
    expect(native.length).toBe(ts.length);
    expect(native.equals(ts)).toBe(true);
  });

  it.each([1, 8])('print the same sorted records with --threads %i', (threads) => {
    expect(walkOf('native', threads).cat.stdout === walkOf('ts', threads).cat.stdout).toBe(true);
  });
});
