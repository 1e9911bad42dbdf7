// A walk whose output disk fills up (README "Exit codes": 2, fatal; the walk folder
// is marked failed and keeps what was written). The output goes to a 200 KiB tmpfs;
// the tree's records need about three times that.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, writeManifest } from '@pwalk-ts/reader';
import { diffRecords, expectSortedEntries, groundTruth, settleAtimes, type Rec } from '../helpers/records.js';
import { parseJsonExact, runCli, type CliResult } from '../helpers/run-cli.js';
import { makeTempBase, py, removeTempBase } from '../helpers/trees.js';

let base: string;
let full: string | null = null;
let reason = '';
let tree: string;
let truth: Rec[];
let out: string;
let walk: CliResult;

beforeAll(async () => {
  base = makeTempBase('full');
  tree = join(base, 'tree');
  mkdirSync(tree);
  py(
    `
import os, sys
for a in range(20):
    for b in range(20):
        d = os.path.join(sys.argv[1], "dir-%02d" % a, "sub-%02d" % b)
        os.makedirs(d)
        for f in range(10):
            open(os.path.join(d, "a-file-with-a-rather-long-name-%02d" % f), "w").close()
`,
    tree,
  );
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
  const mnt = join(base, 'full');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'pwalk-test-full', mnt], { stdio: 'pipe' });
    full = mnt;
  } catch (err) {
    reason = (err as Error).message.split('\n')[0]!;
    return;
  }
  out = join(full, 'walk');
  walk = await runCli([tree, '--out', out, '--quiet']);
});

afterAll(() => {
  if (full !== null) execFileSync('umount', [full]);
  removeTempBase(base);
});

describe('output disk full', () => {
  it('exits 2 and the walk folder says failed, with the reason', async (ctx) => {
    if (full === null) {
      console.warn(`skipping the disk-full tests: cannot mount a tmpfs (${reason})`);
      ctx.skip();
    }
    expect(walk.code, walk.stderr).toBe(2);
    const info = await runCli(['info', out, '--json']);
    expect(info.code).toBe(1);
    const j = parseJsonExact(info.stdout) as { status: string; manifest: { status: string; message: string } };
    expect(j.status).toBe('failed');
    expect(j.manifest.message).toMatch(/ENOSPC/);
  });

  it('what was written reads back exact (a subset of the ground truth, in order, no duplicates)', async (ctx) => {
    if (full === null) ctx.skip();
    const cat = await runCli(['cat', out, '--sort', 'path']);
    expect(cat.code).toBe(1);
    const got = expectSortedEntries(cat.stdout);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(truth.length);
    const keys = new Set(got.map((g) => g.pathBytes.toString('base64')));
    expect(
      diffRecords(
        got,
        truth.filter((t) => keys.has(t.pathBytes.toString('base64'))),
      ),
    ).toEqual([]);
    expect(got.filter((g) => !truth.some((t) => t.pathBytes.equals(g.pathBytes)))).toEqual([]);
  });

  it('stderr has no stack trace and no Node warning (e.g. a descriptor closed twice)', async (ctx) => {
    if (full === null) ctx.skip();
    // The warning is printed by a worker thread and is lost about half the time (the
    // worker is terminated first): up to 10 more walks (into the emptied disk), stopping
    // at the first warning, make the check reliable.
    const stderrs = [walk.stderr];
    // A second small disk: the first one is still full of the walk the other tests read.
    const second = join(base, 'full2');
    mkdirSync(second);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'pwalk-test-full2', second], { stdio: 'pipe' });
    try {
      for (let i = 0; i < 10 && !stderrs.some((e) => /Warning:/.test(e)); i++) {
        const again = join(second, 'again');
        execFileSync('rm', ['-rf', again]);
        const r = await runCli([tree, '--out', again, '--threads', '8', '--quiet']);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/disk is full|ENOSPC/);
        stderrs.push(r.stderr);
      }
    } finally {
      execFileSync('umount', [second]);
    }
    for (const stderr of stderrs) {
      expect(stderr).not.toMatch(/\n\s+at |internal error/);
      expect(stderr).not.toMatch(/Warning:|trace-warnings/);
    }
  });

  it('the manifest rewritten in place on a full disk is never written through a symlink put in its place', (ctx) => {
    if (full === null) ctx.skip();
    const third = join(base, 'full3');
    mkdirSync(third);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'pwalk-test-full3', third], { stdio: 'pipe' });
    try {
      // The owner of an --out folder points the manifest's name at a file of theirs to be overwritten by root.
      const victim = join(base, 'victim');
      writeFileSync(victim, 'v'.repeat(16_384));
      const dir = join(third, 'walk');
      mkdirSync(dir);
      symlinkSync(victim, join(dir, 'manifest.msgpack'));
      try {
        writeFileSync(join(third, 'filler'), Buffer.alloc(1 << 20));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      expect(() => writeManifest(dir, readManifest(out))).toThrow(/ENOSPC/);
      expect(readFileSync(victim, 'utf8')).toBe('v'.repeat(16_384));
      expect(lstatSync(join(dir, 'manifest.msgpack')).isSymbolicLink()).toBe(true);
    } finally {
      execFileSync('umount', [third]);
    }
  });

  it('stderr is one line (the contract for fatal errors)', (ctx) => {
    if (full === null) ctx.skip();
    expect(walk.stderr.trimEnd().split('\n'), walk.stderr).toHaveLength(1);
    expect(walk.stderr).toMatch(/^pwalk-ts: .*(disk is full|ENOSPC)/);
  });
});
