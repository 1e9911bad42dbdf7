// SIGINT, SIGTERM and SIGKILL in the middle of a walk: what was written stays
// readable, the manifest says what happened, and nothing half-written is decoded.
// The walk is slowed down with the slowfs FUSE mirror so a signal lands mid-walk.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO, parseNdjson, runCli } from './helpers/run-cli.js';
import { PYTHON, makeTempBase, py, removeTempBase } from './helpers/trees.js';

const SLOWFS = join(REPO, '../shared/tools/slowfs.py');
const fuseMissing = ['/dev/fuse', '/usr/bin/fusermount3', SLOWFS].filter((p) => !existsSync(p));
if (fuseMissing.length > 0) console.warn(`signals.test: skipped, missing ${fuseMissing.join(', ')}`);

let base: string;
let source: string;
let mnt: string;
let slowfs: ReturnType<typeof spawn> | undefined;
/** Inode of every entry of the source tree by path relative to it: what a record may claim. */
let truth: Map<string, bigint>;

function waitForMount(path: string): void {
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('mountpoint', ['-q', path]);
      return;
    } catch {
      execFileSync('sleep', ['0.1']);
    }
  }
  throw new Error(`slowfs did not mount ${path}`);
}

describe.skipIf(fuseMissing.length > 0)('signals mid-walk', () => {
  beforeAll(() => {
    base = makeTempBase('signals');
    source = join(base, 'src');
    mnt = join(base, 'mnt');
    mkdirSync(mnt);
    // 40 directories of 30 files: at 4 ms a call, one thread needs about 5 s.
    py(
      `import os,sys\nroot=sys.argv[1]\nfor d in range(40):\n  p=os.path.join(root,'d%02d'%d)\n  os.makedirs(p)\n  for f in range(30): open(os.path.join(p,'f%02d'%f),'w').close()`,
      source,
    );
    const lines = py(
      `import os,sys,json\nroot=sys.argv[1]\nfor dp,dn,fn in os.walk(root):\n  for n in dn+fn:\n    p=os.path.join(dp,n)\n    print(json.dumps([os.path.relpath(p,root), os.lstat(p).st_ino]))`,
      source,
    );
    truth = new Map(lines.trim().split('\n').map((l) => JSON.parse(l) as [string, number]).map(([p, i]) => [p, BigInt(i)]));
    // No attribute cache: every walk pays the delay again, however many walked the mount before.
    slowfs = spawn(PYTHON, [SLOWFS, source, mnt, '--delay-ms', '4', '--cache-s', '0'], { stdio: 'ignore' });
    waitForMount(mnt);
  });

  afterAll(() => {
    if (slowfs !== undefined) {
      try {
        execFileSync('fusermount3', ['-u', mnt]);
      } catch {
        slowfs.kill('SIGKILL');
      }
    }
    removeTempBase(base);
  });

  /** Starts a walk of the mount, sends `signal` once `afterMs` have passed, resolves with the exit. */
  function walkAndSignal(
    out: string,
    signal: NodeJS.Signals,
    afterMs: number,
    argv = [CLI, mnt, '--threads', '1', '--out', out],
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill(signal), afterMs);
      child.on('exit', (code, sig) => {
        clearTimeout(timer);
        resolve({ code, signal: sig, stderr });
      });
    });
  }

  /** Every record must be an entry of the source tree with its true inode: nothing invented, nothing half-decoded. */
  function checkRecords(stdout: string): number {
    const records = parseNdjson(stdout);
    for (const r of records) {
      const rel = (r.path as string).slice(mnt.length + 1);
      if (rel === '') continue;
      expect(truth.get(rel), rel).toBe(r.inode);
    }
    expect(new Set(records.map((r) => r.path)).size).toBe(records.length);
    return records.length;
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: flushes, exits %i, manifest interrupted, every written record readable', async (signal, expected) => {
    const out = join(base, `walk-${signal}`);
    const r = await walkAndSignal(out, signal, 1500);
    expect(r.code, r.stderr).toBe(expected);
    expect(r.stderr).toContain(`interrupted by ${signal}`);
    const info = await runCli(['info', out, '--json']);
    expect(info.code).toBe(1);
    const summary = JSON.parse(info.stdout) as { status: string; manifest: { totals: { entries: number } }; verified: { entries: number } };
    expect(summary.status).toBe('interrupted');
    expect(summary.verified.entries).toBe(summary.manifest.totals.entries);
    const cat = await runCli(['cat', out]);
    expect(cat.code).toBe(1);
    expect(cat.stderr).toContain('interrupted');
    const n = checkRecords(cat.stdout);
    expect(n).toBe(summary.manifest.totals.entries);
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThan(truth.size + 1);
  });

  it('SIGKILL: the walk reads as incomplete and yields only whole, true records', async () => {
    const out = join(base, 'walk-SIGKILL');
    // Through the SDK with 4 KiB blocks, so several blocks are on disk when the kill lands.
    const walker = join(REPO, 'packages/walker/dist/index.js');
    const script = `import { startWalk } from ${JSON.stringify(walker)};
      await startWalk({ root: ${JSON.stringify(mnt)}, out: ${JSON.stringify(out)}, threads: 1, blockCapacity: 4096 }).result;`;
    const r = await walkAndSignal(out, 'SIGKILL', 2500, ['--input-type=module', '-e', script]);
    expect(r.signal, `exit ${r.code}: ${r.stderr}`).toBe('SIGKILL');
    const info = await runCli(['info', out, '--json']);
    expect(info.code).toBe(1);
    expect((JSON.parse(info.stdout) as { status: string }).status).toBe('incomplete');
    const cat = await runCli(['cat', out]);
    expect(cat.code).toBe(1);
    expect(cat.stderr).toContain('incomplete');
    expect(checkRecords(cat.stdout)).toBeGreaterThan(50);
  });
});
