// Entries vanishing and appearing while the walk runs: a second process deletes
// and creates files and directories in one subtree the whole time. The walk must
// not crash, must not record anything twice, must record every entry that
// existed throughout (the stable subtree) exactly, and may record a churned entry
// only as what it was (present) or as an error record (vanished).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliErrors, expectSortedEntries, groundTruth } from '../helpers/records.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempBase, py, PYTHON, removeTempBase } from '../helpers/trees.js';

const CHURNER = `
import os, sys, time, shutil
root, stop_file = sys.argv[1], sys.argv[2]
n = 0
while not os.path.exists(stop_file):
    d = os.path.join(root, 'd%d' % (n % 40))
    try:
        if os.path.isdir(d):
            shutil.rmtree(d)
        else:
            os.makedirs(os.path.join(d, 'sub'))
            for i in range(20):
                open(os.path.join(d, 'sub', 'f%d' % i), 'w').close()
        f = os.path.join(root, 'loose%d' % (n % 200))
        if os.path.exists(f):
            os.unlink(f)
        else:
            open(f, 'w').close()
    except OSError:
        pass
    n += 1
print(n)
`;

let base: string;
let tree: string;

describe('a tree that changes during the walk', () => {
  beforeAll(() => {
    base = makeTempBase('churn');
    tree = join(base, 'tree');
    // The stable part: 60 x 60 files, never touched while walks run.
    py(
      `import os,sys\nfor a in range(60):\n  p=os.path.join(sys.argv[1],'stable','s%02d'%a)\n  os.makedirs(p)\n  for b in range(60): open(os.path.join(p,'f%02d'%b),'w').close()\nos.makedirs(os.path.join(sys.argv[1],'churn'))`,
      tree,
    );
  });
  afterAll(() => removeTempBase(base));

  it.each([1, 2, 8])('threads %i: no crash, no duplicate, every stable entry exact, churned ones present or errors', async (threads) => {
    const stable = groundTruth(join(tree, 'stable')).entries;
    const stop = join(base, `stop-${threads}`);
    const churner = spawn(PYTHON, ['-c', CHURNER, join(tree, 'churn'), stop], { stdio: ['ignore', 'pipe', 'inherit'] });
    let changes = '';
    churner.stdout.on('data', (d: Buffer) => (changes += d.toString()));
    // Let the churn get going before the walk starts, then walk several times while it runs.
    await new Promise((r) => setTimeout(r, 200));
    const outs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = join(base, `walk-${threads}-${i}`);
      const walk = await runCli([tree, '--threads', String(threads), '--out', out, '--quiet']);
      expect([0, 1], walk.stderr).toContain(walk.code);
      expect(walk.stderr).not.toMatch(/\n\s+at |internal error/);
      outs.push(out);
    }
    py(`open(__import__('sys').argv[1],'w').close()`, stop);
    await new Promise((r) => churner.on('exit', r));
    expect(Number(changes), 'the churner made changes').toBeGreaterThan(10);

    for (const out of outs) {
      const cat = await runCli(['cat', out, '--sort', 'path']);
      expect(cat.code, cat.stderr).toBe(0);
      const entries = expectSortedEntries(cat.stdout); // also fails on a duplicate path
      const byPath = new Map(entries.map((e) => [e.pathBytes.toString('latin1'), e]));
      const prefix = join(tree, 'stable');
      for (const want of stable) {
        const rel = want.pathBytes.toString('latin1').slice(prefix.length);
        const got = byPath.get(join(tree, 'stable') + rel);
        expect(got, `stable entry ${rel} missing`).toBeDefined();
        expect(got!.inode).toBe(want.inode);
        expect(got!.size).toBe(want.size);
        expect(got!.mtime).toBe(want.mtime);
      }
      const errors = await runCli(['cat', out, '--errors']);
      const errs = cliErrors(errors.stdout, []);
      for (const e of errs) {
        expect(e.pathBytes.toString('latin1').startsWith(join(tree, 'churn'))).toBe(true);
        // ESTALE: a directory removed and made again under its name between its stat and its open.
        expect(['ENOENT', 'ENOTDIR', 'ESTALE']).toContain(e.code);
      }
      const churned = entries.filter((e) => e.pathBytes.toString('latin1').startsWith(join(tree, 'churn') + '/'));
      for (const e of churned) expect(['file', 'dir']).toContain(e.type);
    }
  });
});
