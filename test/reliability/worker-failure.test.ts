// A worker that fails with an error that is not about one entry (here EFBIG: the
// thread file passes a file-size limit set with prlimit) must fail the walk
// cleanly: exit 2, one line naming the directory, no hang, the folder marked
// failed, and what was written still readable.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSortedEntries } from '../helpers/records.js';
import { CLI, parseJsonExact, runCli } from '../helpers/run-cli.js';
import { buildWideTree, makeTempBase, removeTempBase } from '../helpers/trees.js';

function prlimitMissing(): boolean {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
}

let base: string;
let tree: string;

describe.skipIf(prlimitMissing())('a worker that fails', () => {
  beforeAll(() => {
    base = makeTempBase('fail');
    tree = join(base, 'tree');
    // About 4 MB of format-2 records: each of two threads fills a 1 MiB block while reading.
    buildWideTree(tree, 40, 80);
  });
  afterAll(() => removeTempBase(base));

  it.each([1, 2])('threads %i: exit 2 naming the directory, folder marked failed, written records readable', async (threads) => {
    const out = join(base, `walk-${threads}`);
    const started = Date.now();
    // 64 KiB of output allowed per file: the first full block write fails with EFBIG.
    const r = execFileOrCode('prlimit', ['--fsize=65536', process.execPath, CLI, tree, '--threads', String(threads), '--out', out]);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^pwalk-ts: walk failed: .*EFBIG.* while reading \//);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    const info = await runCli(['info', out, '--json']);
    expect(info.code).toBe(1);
    const summary = parseJsonExact(info.stdout) as { status: string };
    expect(summary.status).toBe('failed');
    const cat = await runCli(['cat', out, '--sort', 'path']);
    expect(cat.code).toBe(1);
    expectSortedEntries(cat.stdout);
  });
});

function execFileOrCode(file: string, args: string[]): { code: number; stderr: string } {
  try {
    execFileSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { status: number | null; stderr: Buffer };
    return { code: e.status ?? -1, stderr: e.stderr.toString() };
  }
}
