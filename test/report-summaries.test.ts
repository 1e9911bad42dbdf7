// reportSummaries (one pass, what `report` reads) against usageSummary, directoryTotals
// and errorSummary each run on its own over the same walk: a real tree walked as
// nobody (so shut directories are error records) with hard links across
// directories, names that are not UTF-8, and enough entries for many blocks.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryTotals, errorSummary, NUMERIC_OWNER_NAMES, openWalk, usageSummary, reportSummaries } from '@pwalk-ts/reader';
import { runCli } from './helpers/run-cli.js';
import { buildSkewedTree, makeTempBase, py, removeTempBase } from './helpers/trees.js';

let base: string;
let walkDir: string;

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
for d in (b'shut1',b'shut2',b'big/shut3'):
  os.makedirs(os.path.join(r,d,b'inner'),exist_ok=True)
  os.chmod(os.path.join(r,d),0)`,
      tree,
    );
    walkDir = join(base, 'walk');
    expect((await runCli([tree, '--threads', '2', '--out', walkDir, '--quiet'], { asNobody: true })).code).toBe(1);
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
    expect(one).toEqual({ usage, directories, errors });
  });
});
