// reportSummaries (one pass, what `report` reads) against usageSummary, directoryTotals
// and errorSummary each run on its own over the same walk: a real tree walked as
// nobody (so shut directories are error records) with hard links across
// directories, names that are not UTF-8, and enough entries for many blocks. Then the
// pass with helper threads (usage counted over shares of the blocks) against one
// thread, on a walk of the same tree in two thread files of small blocks, so that the
// links of one file (each at another depth, with another extension) are in blocks of
// different shares.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryTotals, errorSummary, NUMERIC_OWNER_NAMES, openWalk, usageSummary, reportSummaries, topDirectories } from '@pwalk-ts/reader';
import { spawnSync } from 'node:child_process';
import { nobodyPrefix, runCli } from './helpers/run-cli.js';
import { buildSkewedTree, makeTempBase, py, removeTempBase } from './helpers/trees.js';

let base: string;
let walkDir: string;
let smallBlocksWalk: string;

describe('reportSummaries', () => {
  beforeAll(async () => {
    base = makeTempBase('summaries');
    chmodSync(base, 0o777);
    const tree = join(base, 'tree');
    buildSkewedTree(tree);
    py(
      `import os,sys
r=sys.argv[1].encode()
os.makedirs(os.path.join(r,b'links',b'a'))
os.makedirs(os.path.join(r,b'links',b'b'))
open(os.path.join(r,b'links',b'b',b'\\xffdata.bin'),'wb').write(b'x'*5000)
os.link(os.path.join(r,b'links',b'b',b'\\xffdata.bin'),os.path.join(r,b'links',b'a',b'data.bin'))
for i in range(60):
  d=os.path.join(r,b'hl',b'src%d' % (i % 7))
  os.makedirs(d,exist_ok=True)
  f=os.path.join(d,b'\\xfe%d.dat' % i)
  open(f,'wb').write(b'y'*(100*i+1))
  for k in range(3):
    e=os.path.join(r,b'big',b'a%d' % ((i+k) % 8),b'link%d' % k,*[b'd']*k)
    os.makedirs(e,exist_ok=True)
    os.link(f,os.path.join(e,b'%d-%d.l%d' % (i,k,k)))
open(os.path.join(r,b'hl',b'\\xfe\\xfdbig.\\xe9xt'),'wb').write(b'z'*9000)
for d in (b'shut1',b'shut2',b'big/shut3'):
  os.makedirs(os.path.join(r,d,b'inner'),exist_ok=True)
  os.chmod(os.path.join(r,d),0)`,
      tree,
    );
    walkDir = join(base, 'walk');
    expect((await runCli([tree, '--threads', '2', '--out', walkDir, '--quiet'], { asNobody: true })).code).toBe(1);
    smallBlocksWalk = join(base, 'walk-small-blocks');
    const walker = `import { startWalk } from '@pwalk-ts/walker';
      await startWalk({ root: ${JSON.stringify(tree)}, out: ${JSON.stringify(smallBlocksWalk)}, threads: 2, blockCapacity: 4096 }).result;`;
    const walked = spawnSync('setpriv', [...nobodyPrefix(), process.execPath, '--input-type=module', '-e', walker], { cwd: process.cwd(), encoding: 'utf8' });
    expect(walked.stderr).toBe('');
  }, 60_000);
  afterAll(() => removeTempBase(base));

  it('equals the three analyses run one by one', async () => {
    const walk = await openWalk(walkDir);
    const usageOptions = { largest: 7, extensions: 3, names: NUMERIC_OWNER_NAMES, now: Date.UTC(2026, 0, 1) };
    const one = await reportSummaries(walk, { usage: usageOptions, errorSamples: 2 });
    const usage = await usageSummary(walk, usageOptions);
    const directories = await directoryTotals(walk);
    const errors = await errorSummary(walk, { samples: 2 });
    expect(one.errors.total).toBe(3);
    expect(errors.samples).toHaveLength(2);
    expect(directories.length).toBeGreaterThan(500);
    expect(one.usage.largestFiles).toHaveLength(7);
    expect({ ...one, directories: one.directories.all() }).toEqual({ usage, directories, errors });
    // The directories asked for without making every one: what the same rule over all of them gives.
    expect(one.directories).toHaveLength(directories.length);
    for (const by of ['apparent', 'allocated', 'files', 'entries'] as const) {
      for (const n of [0, 1, 7, directories.length + 1]) expect(one.directories.top(n, by), `${by} ${n}`).toEqual(topDirectories(directories, n, by));
    }
    for (const depth of [0, 1, 2, 5]) expect(one.directories.atDepth(depth)).toEqual(directories.filter((d) => d.depth === depth));
    const root = directories.find((d) => d.depth === 0)!;
    for (const divisor of [1n, 7n, 1000n]) {
      const share = directories.filter((d) => d.apparentBytes * divisor >= root.apparentBytes || BigInt(d.files) * divisor >= BigInt(root.files));
      // Not every directory: the rule leaves some out.
      if (divisor === 7n) expect(share.length).toBeLessThan(directories.length);
      expect(one.directories.atLeastShare(divisor), `1/${divisor}`).toEqual(share);
    }
  });

  it('gives the same summaries with helper threads as in one thread', async () => {
    const walk = await openWalk(smallBlocksWalk);
    // What the test needs of the walk: many blocks, both thread files, links of one file in more than one block, error records.
    const blocksOf = new Map<string, Set<unknown>>();
    let blocks = 0;
    let last: unknown;
    for await (const batch of walk.recordBatches()) {
      for (const e of batch) {
        if (e.nlink! > 1 && e.type === 'file') {
          const id = `${e.dev}:${e.inode}`;
          (blocksOf.get(id) ?? blocksOf.set(id, new Set()).get(id)!).add(batch);
        }
      }
      if (batch !== last) blocks++;
      last = batch;
    }
    expect(blocks).toBeGreaterThan(20);
    expect(walk.files).toHaveLength(2);
    expect([...blocksOf.values()].filter((b) => b.size > 1).length).toBeGreaterThan(10);
    const options = {
      usage: { largest: 9, extensions: 20, names: NUMERIC_OWNER_NAMES, now: Date.UTC(2026, 0, 1) },
      errorSamples: 2,
      onCorrupt: 'skip' as const,
    };
    const one = await reportSummaries(walk, { ...options, threads: 1 });
    expect(one.errors.total).toBe(3);
    expect(one.usage.largestFiles[0]!.pathBytes.includes(0xfe)).toBe(true);
    expect(one.usage.byExtension.some((x) => x.key.startsWith('/hex:'))).toBe(true);
    const plain = (s: typeof one) => ({ ...s, directories: s.directories.all() });
    for (const threads of [2, 3, 4]) expect(plain(await reportSummaries(walk, { ...options, threads }))).toEqual(plain(one));
    // The hard-link rule: each linked file once, in the usage totals as in the root's directory total.
    expect(one.usage.totals.entries).toBe(one.directories.atDepth(0)[0]!.entries);
  }, 60_000);
});
