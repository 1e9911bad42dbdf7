// Node's own flags on the command line (`node --perf-basic-prof pwalk-ts ...`, how the
// walk is profiled with perf, or a V8 heap flag) reach the walker's threads as Node
// inherits them: the walk completes and records the tree as ground_truth.py does.
// Given to a worker explicitly, Node refused V8 flags and the walk was an internal error.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffRecords, expectSortedEntries, groundTruth, settleAtimes, type Rec } from './helpers/records.js';
import { CLI, runCliOk } from './helpers/run-cli.js';
import { buildWideTree, makeTempBase, removeTempBase } from './helpers/trees.js';

let base: string;
let tree: string;
let truth: Rec[];

beforeAll(() => {
  base = makeTempBase('node-flags');
  tree = join(base, 'tree');
  buildWideTree(tree, 8, 5);
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
});

afterAll(() => removeTempBase(base));

describe('node flags before the CLI', () => {
  for (const flags of [['--max-semi-space-size=4'], ['--stack-trace-limit=20', '--max-old-space-size=512']]) {
    it(`node ${flags.join(' ')} pwalk-ts --threads 2 walks the tree`, async () => {
      const out = join(base, `out-${flags[0]!.slice(2)}`);
      const walk = spawnSync(process.execPath, [...flags, CLI, tree, '--threads', '2', '--out', out, '--quiet'], { encoding: 'utf8' });
      expect(walk.stderr).toBe('');
      expect(walk.status).toBe(0);
      const cat = await runCliOk(['cat', out, '--format', 'ndjson', '--sort', 'path']);
      expect(diffRecords(expectSortedEntries(cat.stdout), truth, { ignore: ['atime'] })).toEqual([]);
    });
  }
});
