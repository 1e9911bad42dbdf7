// The engine choice (--engine auto|sync|async): on a local disk 'auto' keeps one
// call in flight per worker whatever --threads says, and the async engine, forced
// here on the same local trees, must record exactly what the ground truth holds:
// every awkward entry, a 100k-entry directory, a 300-deep chain and paths past
// PATH_MAX, with its round-robin over open directories and its hand-offs of the
// byte-exact and long-path directories to the synchronous routes, on both
// scanner routes (the native one reads a directory in two pool calls).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRecords, expectSortedEntries, groundTruth, settleAtimes, type Rec } from './helpers/records.js';
import { ACTIVE_ROUTES } from './helpers/routes.js';
import { parseJsonExact, runCli, runCliOk, type Route } from './helpers/run-cli.js';
import { buildDeepChain, buildEdgeTree, buildHugeDir, buildLongPath, buildSkewedTree, makeTempBase, removeTempBase } from './helpers/trees.js';

let base: string;
let tree: string;
let truth: Rec[];

beforeAll(() => {
  base = makeTempBase('engines');
  tree = join(base, 'tree');
  buildSkewedTree(join(tree, 'skewed'));
  buildEdgeTree(join(tree, 'edge'));
  buildHugeDir(join(tree, 'huge'), 20_000);
  buildDeepChain(join(tree, 'chain'), 300);
  buildLongPath(join(tree, 'long'), 6000);
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
});
afterAll(() => removeTempBase(base));

async function walk(args: string[], route?: Route): Promise<{ out: string; entries: Rec[]; engine: string }> {
  const out = join(base, `out-${route ?? ''}${args.join('_').replace(/\W/g, '')}`);
  // This file tests what 'auto' chooses: PWALK_TEST_ENGINE, set to run the other suites on one engine, is cleared.
  await runCliOk([tree, '--out', out, '--quiet', ...args], { route, env: { PWALK_TEST_ENGINE: '' } });
  const cat = await runCli(['cat', out, '--sort', 'path']);
  const info = parseJsonExact((await runCliOk(['info', out, '--json'])).stdout) as { manifest: { options: { engine: string } } };
  return { out, entries: expectSortedEntries(cat.stdout), engine: info.manifest.options.engine };
}

describe('--engine', () => {
  it.each(ACTIVE_ROUTES.flatMap((route) => [4, 8, 32, 64].map((threads) => ({ route, threads }))))(
    'async on the $route route with --threads $threads records exactly the ground truth',
    async ({ route, threads }) => {
      const r = await walk(['--threads', String(threads), '--engine', 'async'], route);
      expect(r.engine).toBe('async');
      expect(diffRecords(r.entries, truth)).toEqual([]);
    },
  );

  it('auto on a local disk: the synchronous engine, whatever --threads says, and the same records', async () => {
    const r = await walk(['--threads', '8']);
    expect(r.engine).toBe('sync (local filesystem)');
    expect(diffRecords(r.entries, truth)).toEqual([]);
  });

  it('sync forced with many threads', async () => {
    const r = await walk(['--threads', '16', '--engine', 'sync']);
    expect(r.engine).toBe('sync');
    expect(diffRecords(r.entries, truth)).toEqual([]);
  });

  it('a bad value is a usage error', async () => {
    const r = await runCli([tree, '--engine', 'fast', '--out', join(base, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('pwalk-ts: --engine: engine must be auto, sync or async');
  });
});
