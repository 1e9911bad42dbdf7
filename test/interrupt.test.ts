// SIGINT and SIGTERM during a walk (README "Exit codes"): the walk stops, exits
// 130 / 143, and the walk folder says interrupted and holds what was read: every
// record it holds is exact (matches the ground truth), none twice. The tree is
// mounted through slowfs with a per-call delay so the walk is slow enough to stop.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntries, diffRecords, groundTruth, settleAtimes, showPath, type Rec } from './helpers/records.js';
import { CLI, parseJsonExact, REPO, runCli } from './helpers/run-cli.js';
import { makeTempBase, PYTHON, removeTempBase } from './helpers/trees.js';

const SLOWFS = resolve(REPO, '../shared/tools/slowfs.py');

function missingPrerequisite(): string | null {
  if (!existsSync('/dev/fuse')) return '/dev/fuse is missing';
  try {
    execFileSync('sh', ['-c', 'command -v fusermount3'], { stdio: 'pipe' });
  } catch {
    return 'fusermount3 is not installed';
  }
  if (!existsSync(SLOWFS)) return `${SLOWFS} is missing`;
  try {
    execFileSync(PYTHON, ['-c', 'import fusepy'], { stdio: 'pipe' });
  } catch {
    return `${PYTHON} has no fusepy module`;
  }
  return null;
}

const skipReason = missingPrerequisite();
if (skipReason !== null) console.warn(`skipping the interrupt tests: ${skipReason}`);

let base: string | undefined;
let mnt: string;
let fs: ChildProcess | null = null;
let fsStderr = '';
let mounted = false;
let truth: Rec[];
const results = new Map<string, { out: string; code: number | null; signal: string | null; stderr: string; ms: number }>();

function isMounted(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === path);
}

/** Starts a walk, sends `signal` after `afterMs`, and waits for the exit. */
function walkAndSignal(out: string, signal: NodeJS.Signals, afterMs: number): Promise<{ code: number | null; signal: string | null; stderr: string; ms: number }> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, mnt, '--out', out, '--threads', '2', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill(signal), afterMs);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      resolvePromise({ code, signal: sig, stderr, ms: Date.now() - started });
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
  // No attribute cache: every lstat is a (delayed) call, for the walk and the ground truth alike.
  fs = spawn(PYTHON, [SLOWFS, src, mnt, '--delay-ms', '2', '--cache-s', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  fs.stderr!.on('data', (d: Buffer) => (fsStderr += d.toString()));
  const until = Date.now() + 15_000;
  while (!isMounted(mnt)) {
    if (fs.exitCode !== null) throw new Error(`slowfs exited: ${fsStderr}`);
    if (Date.now() > until) throw new Error(`slowfs did not mount: ${fsStderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  mounted = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const out = join(base, `out-${signal}`);
    results.set(signal, { out, ...(await walkAndSignal(out, signal, 1500)) });
  }
  truth = groundTruth(mnt).entries;
});

afterAll(async () => {
  if (mounted) {
    try {
      execFileSync('fusermount3', ['-u', mnt], { stdio: 'pipe' });
    } catch (err) {
      console.warn(`fusermount3 -u ${mnt} failed: ${(err as Error).message}`);
    }
  }
  if (fs !== null && fs.exitCode === null) {
    await new Promise((r) => setTimeout(r, 500));
    if (fs.exitCode === null) fs.kill('SIGTERM');
  }
  if (!mounted || !isMounted(mnt)) removeTempBase(base);
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
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    const info = await runCli(['info', r.out, '--json']);
    expect(info.code).toBe(1);
    const j = parseJsonExact(info.stdout) as { status: string; manifest: { status: string; message: string; totals: { entries: bigint } } };
    expect(j.status).toBe('interrupted');
    expect(j.manifest.message).toContain(signal);
  });

  it('holds only exact records, none twice, fewer than the whole tree, each with its parent directory', async () => {
    const r = results.get(signal)!;
    const cat = await runCli(['cat', r.out, '--sort', 'path']);
    expect(cat.code).toBe(1);
    expect(cat.stderr).toMatch(/interrupted/);
    const problems: string[] = [];
    const got = cliEntries(cat.stdout, problems);
    expect(problems).toEqual([]);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length, `the walk finished before the signal (${r.ms} ms): the test proves nothing`).toBeLessThan(truth.length);
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
});
