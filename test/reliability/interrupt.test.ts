// SIGINT and SIGTERM during a walk (README "Exit codes"): the walk stops, exits
// 130 / 143, and the walk folder says interrupted and holds what was read: every
// record it holds is exact (matches the ground truth), none twice. SIGKILL: what
// was written stays readable, the walk reads as incomplete, and nothing
// half-written is decoded. The tree is mounted through slowfs with a per-call delay
// so the walk is slow enough to stop.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntries, diffRecords, groundTruth, settleAtimes, showPath, type Rec } from '../helpers/records.js';
import { CLI, parseJsonExact, REPO, runCli } from '../helpers/run-cli.js';
import { mountSlowfs, slowfsSkipReason, type SlowfsMount } from '../helpers/slowfs.js';
import { makeTempBase, removeTempBase } from '../helpers/trees.js';

const skipReason = slowfsSkipReason();
if (skipReason !== null) console.warn(`skipping the interrupt tests: ${skipReason}`);

interface Stopped {
  out: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

let base: string | undefined;
let mnt: string;
let mount: SlowfsMount | undefined;
let truth: Rec[];
const results = new Map<NodeJS.Signals, Stopped>();

/** Bytes of the walk folder's thread files (none yet: 0). */
function threadBytes(out: string): number {
  if (!existsSync(out)) return 0;
  return readdirSync(out)
    .filter((name) => /^thread_.*\.bin$/.test(name))
    .reduce((sum, name) => sum + statSync(join(out, name)).size, 0);
}

/**
 * Runs `node ...argv` and sends `signal` once `ready()` holds (polled), plus `afterMs`:
 * what the walk has done decides when the signal lands, not the clock, so a loaded
 * machine that starts the walker slowly proves the same thing as an idle one.
 */
function runAndSignal(out: string, argv: string[], signal: NodeJS.Signals, ready: () => boolean, afterMs: number): Promise<Stopped> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (!ready()) return;
      clearInterval(poll);
      timer = setTimeout(() => child.kill(signal), afterMs);
    }, 20);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolvePromise({ out, code, signal: sig, stderr, ms: Date.now() - started });
    });
  });
}

beforeAll(async () => {
  if (skipReason !== null) return;
  base = makeTempBase('sig');
  const src = join(base, 'src');
  mnt = join(base, 'mnt');
  for (let a = 0; a < 25; a++) {
    for (let b = 0; b < 25; b++) {
      mkdirSync(join(src, `a${a}`, `b${b}`), { recursive: true });
      writeFileSync(join(src, `a${a}`, `b${b}`, 'f'), `${a}/${b}`);
    }
  }
  mkdirSync(mnt);
  settleAtimes(src);
  // No attribute cache: every lstat is a (delayed) call, for every walk and the ground truth alike.
  mount = await mountSlowfs(src, mnt, ['--delay-ms', '2', '--cache-s', '0']);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const out = join(base, `out-${signal}`);
    // The running manifest is written just before the CLI takes the signals: signal 2 s
    // after it appears (its workers then have read hundreds of entries), well before the
    // walk (about 8 s on the mount with 2 threads) ends.
    const ready = () => existsSync(join(out, 'manifest.msgpack'));
    results.set(signal, await runAndSignal(out, [CLI, mnt, '--out', out, '--threads', '2', '--quiet'], signal, ready, 2000));
  }
  // SIGKILL through the walker SDK with 4 KiB blocks, so several blocks are on disk when
  // the kill lands (one thread walks the whole mount in about 17 s).
  const out = join(base, 'out-SIGKILL');
  const script = `import { startWalk } from '@pwalk-ts/walker';
    await startWalk({ root: ${JSON.stringify(mnt)}, out: ${JSON.stringify(out)}, threads: 1, blockCapacity: 4096 }).result;`;
  // Killed once three blocks (about 45 records each) are on disk, so more than 50 records can be read back.
  const ready = () => threadBytes(out) >= 64 + 3 * 4096;
  results.set('SIGKILL', await runAndSignal(out, ['--input-type=module', '-e', script], 'SIGKILL', ready, 300));
  truth = groundTruth(mnt).entries;
});

afterAll(async () => {
  await mount?.unmount();
  if (!mount?.isMounted()) removeTempBase(base);
});

describe.skipIf(skipReason !== null)('interrupted walks', () => {
  describe.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during a walk', (signal, exitCode) => {
    it(`exits ${exitCode} and the walk folder says interrupted`, async () => {
      const r = results.get(signal)!;
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(exitCode);
      expect(r.stderr).toContain(`interrupted by ${signal}`);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      const info = await runCli(['info', r.out, '--json']);
      expect(info.code).toBe(1);
      const j = parseJsonExact(info.stdout) as { status: string; manifest: { message: string; totals: { entries: bigint } }; verified: { entries: bigint } };
      expect(j.status).toBe('interrupted');
      expect(j.manifest.message).toContain(signal);
      expect(j.verified.entries).toBe(j.manifest.totals.entries);
    });

    it('holds only exact records, none twice, fewer than the whole tree, each with its parent directory', async () => {
      const r = results.get(signal)!;
      const cat = await runCli(['cat', r.out, '--sort', 'path']);
      expect(cat.code).toBe(1);
      expect(cat.stderr).toMatch(/interrupted/);
      const problems: string[] = [];
      const got = cliEntries(cat.stdout, problems);
      expect(problems).toEqual([]);
      expect(got.length).toBeGreaterThan(10);
      expect(got.length, `the walk finished before the signal (${r.ms} ms): the test proves nothing`).toBeLessThan(truth.length);
      const info = parseJsonExact((await runCli(['info', r.out, '--json'])).stdout) as { manifest: { totals: { entries: bigint } } };
      expect(BigInt(got.length)).toBe(info.manifest.totals.entries);
      const byPath = new Map(truth.map((t) => [t.pathBytes.toString('base64'), t]));
      const subset = truth.filter((t) => got.some((g) => g.pathBytes.equals(t.pathBytes)));
      expect(diffRecords(got, subset)).toEqual([]);
      const recorded = new Set(got.map((g) => g.pathBytes.toString('base64')));
      const orphans = got.filter((g) => {
        if (g.depth === 0n) return false;
        const parent = g.pathBytes.subarray(0, g.pathBytes.lastIndexOf(0x2f));
        return !recorded.has(parent.toString('base64')) || !byPath.has(g.pathBytes.toString('base64'));
      });
      expect(orphans.map((o) => showPath(o.pathBytes))).toEqual([]);
    });
  });

  it('SIGKILL: the walk reads as incomplete and yields only whole, true records', async () => {
    const r = results.get('SIGKILL')!;
    expect(r.signal, `exit ${r.code} after ${r.ms} ms: ${r.stderr}`).toBe('SIGKILL');
    const info = await runCli(['info', r.out, '--json']);
    expect(info.code).toBe(1);
    expect((parseJsonExact(info.stdout) as { status: string }).status).toBe('incomplete');
    const cat = await runCli(['cat', r.out]);
    expect(cat.code).toBe(1);
    expect(cat.stderr).toContain('incomplete');
    // Every record is an entry of the tree with its true inode: nothing invented, nothing half-decoded.
    const problems: string[] = [];
    const got = cliEntries(cat.stdout, problems);
    expect(problems).toEqual([]);
    const inodes = new Map(truth.map((t) => [t.pathBytes.toString('base64'), t.inode]));
    const wrong = got.filter((g) => inodes.get(g.pathBytes.toString('base64')) !== g.inode).map((g) => `${showPath(g.pathBytes)} inode ${g.inode}`);
    expect(wrong).toEqual([]);
    expect(new Set(got.map((g) => g.pathBytes.toString('base64'))).size).toBe(got.length);
    expect(got.length).toBeGreaterThan(50);
  });
});
