import { randomUUID } from 'node:crypto';
// pwalk-ts resume (README "Resuming a walk", FORMAT.md 5.2 and 7.5): a walk killed
// (SIGKILL at many points, at 1, 2 and 8 threads), interrupted (SIGINT), or cut short
// (a thread file cut at every block boundary and inside every block) and then resumed
// holds exactly the records of the tree: every entry once, every field as the ground
// truth (Python os.lstat) says, and every directory read exactly once over the walk
// and its resumes (each has one end marker in all the walk's files: a finished
// directory is never read again). A resume that is itself killed is resumed again;
// entries made and removed between the kill and the resume are read as they are at
// resume time. Every refusal is one line, exit 2, and leaves the folder as it was.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, readWalkFolder, readWalkState, writeManifest } from '@pwalk-ts/reader';
import { FrameCursor, ItemKind } from '@pwalk-ts/reader/format';
import { diffRecords, expectSortedEntries, groundTruth, settleAtimes, type Rec } from '../helpers/records.js';
import { threadFileBlocks } from '../helpers/forged-frames.js';
import { expectResumeRefused } from '../helpers/resume-refusal.js';
import { CLI, REPO, runCli } from '../helpers/run-cli.js';
import { nativeSkipReason } from '../helpers/routes.js';
import { buildHugeDir, buildWideTree, makeTempBase, removeTempBase } from '../helpers/trees.js';

/** Each directory's open waits this long by default (the walker's test knob, in ms), so a kill lands mid-walk even when a loaded machine polls late (8 ms missed the last tenth). */
const PAUSE_MS = 20;

let base: string;
let tree: string;
let truth: Rec[];
let wholeBytes: number;

function threadFiles(out: string): string[] {
  return existsSync(out) ? readdirSync(out).filter((n) => /^thread_.*\.bin$/.test(n)) : [];
}

function threadBytes(out: string): number {
  return threadFiles(out).reduce((sum, n) => sum + statSync(join(out, n)).size, 0);
}

/** The bytes of a one-thread walk's file before its last block starts. */
function bytesBeforeLastBlock(out: string): number {
  const [name] = threadFiles(out);
  return threadFileBlocks(readFileSync(join(out, name!))).at(-1)?.at ?? 64;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * The heartbeat the resumes of these tests watch: a walk of this host killed a moment
 * ago has a manifest touched lately, so a resume watches it for a beat before taking
 * it over (heartbeat.ts), 0.5 s here instead of 25.
 */
const HEARTBEAT = { PWALK_TEST_HEARTBEAT_MS: '200' };

/** Runs `node ...argv` with the pause knob (and `env`) and sends `signal` once `ready()` holds (polled every 10 ms). */
function runUntil(
  argv: string[],
  ready: () => boolean,
  signal: NodeJS.Signals = 'SIGKILL',
  pauseMs = PAUSE_MS,
  env: Record<string, string> = {},
): Promise<Exit> {
  return new Promise((resolvePromise, reject) => {
    const childEnv = { ...process.env, PWALK_TEST_PAUSE_BEFORE_OPEN_MS: String(pauseMs), ...env };
    const child = spawn(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], env: childEnv });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (!ready()) return;
      clearInterval(poll);
      child.kill(signal);
    }, 10);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      resolvePromise({ code, signal: sig, stderr });
    });
  });
}

/**
 * Runs `walk(pauseMs)` into `out` until the signal lands: a walk that ended first, or
 * was signalled only after its manifest said complete (a loaded machine polled too
 * late), is run again on a fresh folder with twice the pause, up to four times, so the
 * kill point is reached as the case asks rather than skipped.
 */
async function stoppedWalk(out: string, walk: (pauseMs: number) => Promise<Exit>, pauseMs: number): Promise<Exit> {
  for (let attempt = 1; ; attempt++, pauseMs *= 2) {
    const stopped = await walk(pauseMs);
    const signalled = stopped.code === null || stopped.code === 130;
    const unfinished = !existsSync(join(out, 'manifest.msgpack')) || readManifest(out).status !== 'complete';
    if ((signalled && unfinished) || attempt === 4) return stopped;
    rmSync(out, { recursive: true, force: true });
  }
}

/** A walk through the SDK with 4 KiB blocks (several on disk when the kill lands), killed once its files hold `bytes`. */
function killedWalk(out: string, threads: number, bytes: number, engine = 'auto', root = tree, env: Record<string, string> = {}): Promise<Exit> {
  const script = `import { startWalk } from '@pwalk-ts/walker';
    await startWalk({ root: ${JSON.stringify(root)}, out: ${JSON.stringify(out)}, threads: ${threads}, engine: '${engine}', blockCapacity: 4096 }).result;`;
  // The async engine opens several directories at once: a longer pause keeps the walk as long.
  const pauseMs = engine === 'async' ? 5 * PAUSE_MS : PAUSE_MS;
  return stoppedWalk(out, (pause) => runUntil(['--input-type=module', '-e', script], () => threadBytes(out) >= bytes, 'SIGKILL', pause, env), pauseMs);
}

/** How many end markers each directory has over all the walk's files (FORMAT.md 7.5). */
function endMarkers(out: string): Map<string, number> {
  const ends = new Map<string, number>();
  for (const name of threadFiles(out)) {
    const bytes = readFileSync(join(out, name));
    const fullAttrs = (bytes.readUInt32LE(12) & 1) === 1;
    for (const { payload } of threadFileBlocks(bytes)) {
      const cursor = new FrameCursor(payload, fullAttrs, false);
      while (cursor.next()) {
        if (cursor.kind !== ItemKind.end) continue;
        const dir = Buffer.from(cursor.dir).toString('latin1');
        ends.set(dir, (ends.get(dir) ?? 0) + 1);
      }
    }
  }
  return ends;
}

/** The walk's records, sorted, checked against `expected` field by field. */
async function expectRecords(out: string, expected: readonly Rec[]): Promise<void> {
  const cat = await runCli(['cat', out, '--sort', 'path']);
  expect(cat.code, cat.stderr).toBe(0);
  expect(diffRecords(expectSortedEntries(cat.stdout), expected)).toEqual([]);
}

/** Every directory of the tree read once over the walk and its resumes. */
function expectEachDirectoryReadOnce(out: string, expected: readonly Rec[], root = tree): void {
  const rel = (r: Rec): string => (r.pathBytes.length === Buffer.byteLength(root) ? '' : r.pathBytes.subarray(Buffer.byteLength(root) + 1).toString('latin1'));
  const ends = endMarkers(out);
  const dirs = expected.filter((r) => r.type === 'dir').map(rel);
  expect(dirs.filter((d) => ends.get(d) !== 1).map((d) => `${d || '(root)'}: ${ends.get(d) ?? 0} end markers`)).toEqual([]);
  expect(ends.size).toBe(dirs.length);
}

async function resumeOk(out: string, extra: string[] = [], env: Record<string, string> = {}): Promise<void> {
  const r = await runCli(['resume', out, '--quiet', ...extra], { env: { ...HEARTBEAT, ...env } });
  expect(r.code, r.stderr).toBe(0);
  expect(readManifest(out).status).toBe('complete');
}

beforeAll(async () => {
  base = makeTempBase('resume');
  tree = join(base, 'tree');
  buildWideTree(tree, 9, 10);
  mkdirSync(join(tree, 'empty'));
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
  const whole = join(base, 'whole');
  const r = await runCli([tree, '--out', whole, '--threads', '1', '--quiet'], { env: { PWALK_TEST_BLOCK_CAPACITY: '4096' } });
  expect(r.code, r.stderr).toBe(0);
  // The kills' walks write 4 KiB blocks too: their fractions are of the bytes on disk before the last block,
  // which is flushed only as the walk ends (a fraction inside it could never be killed at).
  wholeBytes = bytesBeforeLastBlock(whole);
}, 60_000);
afterAll(() => removeTempBase(base));

describe('resume after SIGKILL', () => {
  const cases: [threads: number, engine: string, fraction: number][] = [
    [1, 'auto', 0.1],
    [1, 'auto', 0.5],
    [1, 'auto', 0.9],
    [2, 'auto', 0.3],
    [2, 'auto', 0.7],
    [8, 'async', 0.3],
    [8, 'async', 0.7],
  ];
  it.each(cases)('--threads %i (%s engine), killed at %f of the walk: the tree exactly, every directory read once', async (threads, engine, fraction) => {
    const out = join(base, `kill-${threads}-${fraction}-${randomUUID()}`);
    const killed = await killedWalk(out, threads, 64 + Math.floor(wholeBytes * fraction), engine);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(readManifest(out).status).toBe('running');
    await resumeOk(out);
    await expectRecords(out, truth);
    expectEachDirectoryReadOnce(out, truth);
  });

  // The directories a resume starts from reach its worker threads as start data, where the TypeScript routes
  // once read each one's path as its byte values ("100,50,47,...") and recorded it as not found.
  it.each([
    [2, 'auto', 0.5],
    [8, 'async', 0.5],
  ] as const)(
    'on the TypeScript routes (PWALK_NATIVE=0), --threads %i (%s engine), killed at %f: the tree exactly, every directory read once',
    async (threads, engine, fraction) => {
      const out = join(base, `kill-ts-${threads}-${fraction}-${randomUUID()}`);
      const ts = { PWALK_NATIVE: '0' };
      const killed = await killedWalk(out, threads, 64 + Math.floor(wholeBytes * fraction), engine, tree, ts);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      expect(readManifest(out).status).toBe('running');
      await resumeOk(out, [], ts);
      await expectRecords(out, truth);
      expectEachDirectoryReadOnce(out, truth);
    },
  );
});

describe.skipIf(nativeSkipReason !== null)('resume of walks killed on the batched engine (native route, async)', () => {
  // Directories of 1,500 files, whose lookups jump ahead of listings as one batch (BIG_BATCH),
  // among small ones, whose batches wait with their descriptors open while listings go first:
  // a kill lands with directories listed and their batches waiting, in flight, or cut.
  const native = { PWALK_NATIVE: '1' };
  const cliAsync = { ...native, PWALK_TEST_ENGINE: 'async', PWALK_TEST_BLOCK_CAPACITY: '4096' };
  let batchedTree: string;
  let batchedTruth: Rec[];
  let batchedBytes: number;
  /** Per kill: directories with records in the killed walk's whole blocks and no end marker (read again by the resume). */
  const unfinishedAtKill: number[] = [];

  beforeAll(async () => {
    batchedTree = join(base, 'batched-tree');
    buildWideTree(batchedTree, 6, 10);
    for (let i = 0; i < 3; i++) buildHugeDir(join(batchedTree, `a${i}`, 'big'), 1500);
    settleAtimes(batchedTree);
    batchedTruth = groundTruth(batchedTree).entries;
    const whole = join(base, 'batched-whole');
    const r = await runCli([batchedTree, '--out', whole, '--threads', '8', '--quiet'], { env: { ...cliAsync, PWALK_TEST_PAUSE_BEFORE_OPEN_MS: '0' } });
    expect(r.code, r.stderr).toBe(0);
    batchedBytes = threadBytes(whole);
  }, 60_000);

  async function expectResumedExactly(out: string, killed: Exit): Promise<void> {
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(readManifest(out).status).toBe('running');
    const state = readWalkState((await readWalkFolder(out, 'throw')).files);
    unfinishedAtKill.push(state.files.reduce((n, f) => n + f.newlySetAside.length, 0));
    // The resume runs on the batched engine too.
    const r = await runCli(['resume', out, '--quiet'], { env: { ...cliAsync, ...HEARTBEAT } });
    expect(r.code, r.stderr).toBe(0);
    expect(readManifest(out).status).toBe('complete');
    await expectRecords(out, batchedTruth);
    expectEachDirectoryReadOnce(out, batchedTruth, batchedTree);
  }

  it.each([0.15, 0.4, 0.65, 0.9])('engine async through the SDK, killed at %f of the walk: the tree exactly, every directory read once', async (fraction) => {
    const out = join(base, `batched-sdk-${fraction}`);
    const script = `import { startWalk } from '@pwalk-ts/walker';
      await startWalk({ root: ${JSON.stringify(batchedTree)}, out: ${JSON.stringify(out)}, threads: 8, engine: 'async', blockCapacity: 4096 }).result;`;
    const bytes = 64 + Math.floor(batchedBytes * fraction);
    const walk = (pauseMs: number): Promise<Exit> =>
      runUntil(['--input-type=module', '-e', script], () => threadBytes(out) >= bytes, 'SIGKILL', pauseMs, native);
    await expectResumedExactly(out, await stoppedWalk(out, walk, 5 * PAUSE_MS));
  });

  it.each([0.25, 0.75])('PWALK_TEST_ENGINE=async through the CLI, killed at %f of the walk: the tree exactly, every directory read once', async (fraction) => {
    const out = join(base, `batched-cli-${fraction}`);
    const bytes = 64 + Math.floor(batchedBytes * fraction);
    const walk = (pauseMs: number): Promise<Exit> =>
      runUntil([CLI, batchedTree, '--out', out, '--threads', '8', '--quiet'], () => threadBytes(out) >= bytes, 'SIGKILL', pauseMs, cliAsync);
    await expectResumedExactly(out, await stoppedWalk(out, walk, 5 * PAUSE_MS));
  });

  it("the kills left directories unfinished (listed, their batches not yet stat'ed or cut), which the resumes read again", () => {
    expect(unfinishedAtKill).toHaveLength(6);
    expect(
      unfinishedAtKill.some((n) => n > 0),
      String(unfinishedAtKill),
    ).toBe(true);
  });
});

describe('resume after SIGINT, and a resume killed and resumed again', () => {
  it('an interrupted walk (exit 130) is resumed to the tree exactly', async () => {
    const out = join(base, 'sigint');
    // The CLI writes 1 MiB blocks, all at the end here: the signal comes 400 ms into a walk of about 2 s.
    const interrupted = (pauseMs: number): Promise<Exit> => {
      let seen = 0;
      const ready = (): boolean => existsSync(join(out, 'manifest.msgpack')) && Date.now() - (seen ||= Date.now()) > 400;
      return runUntil([CLI, tree, '--out', out, '--threads', '2', '--quiet'], ready, 'SIGINT', pauseMs);
    };
    const stopped = await stoppedWalk(out, interrupted, 5 * PAUSE_MS);
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(readManifest(out).status).toBe('interrupted');
    await resumeOk(out);
    await expectRecords(out, truth);
    expectEachDirectoryReadOnce(out, truth);
    const resumes = readManifest(out).resumes!;
    expect(resumes).toHaveLength(1);
    expect(resumes[0]!.endTime).toBeGreaterThanOrEqual(resumes[0]!.startTime);
  });

  it('a resume killed mid-way is resumed again', async () => {
    const out = join(base, 'twice');
    await killedWalk(out, 1, 64 + Math.floor(wholeBytes * 0.3));
    const before = threadBytes(out);
    // Through the SDK with 4 KiB blocks, killed once its own files hold a block (the CLI's 1 MiB blocks come at the end).
    const script = `import { resumeWalk } from '@pwalk-ts/walker';
      await (await resumeWalk({ out: ${JSON.stringify(out)}, blockCapacity: 4096 })).result;`;
    const killed = await runUntil(['--input-type=module', '-e', script], () => threadBytes(out) > before + 64 + 4096, 'SIGKILL', PAUSE_MS, HEARTBEAT);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(readManifest(out).status).toBe('running');
    await resumeOk(out);
    expect(readManifest(out).resumes).toHaveLength(2);
    await expectRecords(out, truth);
    expectEachDirectoryReadOnce(out, truth);
  });
});

describe('resume of a thread file cut anywhere', () => {
  it('cut at every block boundary, inside every block and inside a record: the tree exactly', async () => {
    // Block boundaries of the one thread file, 4 KiB blocks: the walk is run again with them.
    const small = join(base, 'small-blocks');
    const script = `import { startWalk } from '@pwalk-ts/walker';
      await startWalk({ root: ${JSON.stringify(tree)}, out: ${JSON.stringify(small)}, threads: 1, blockCapacity: 4096 }).result;`;
    await runUntil(['--input-type=module', '-e', script], () => false);
    const bytes = readFileSync(join(small, 'thread_0.bin'));
    const cuts: number[] = [];
    // Each block boundary, and inside each block: in its first item's fields, or halfway.
    threadFileBlocks(bytes).forEach(({ at, payload }, block) => cuts.push(at, block % 2 === 0 ? at + 16 + 3 : at + 16 + Math.floor(payload.length / 2)));
    expect(cuts.length).toBeGreaterThan(9);
    const manifest = readManifest(small);
    for (const cut of cuts) {
      const out = join(base, `cut-${cut}`);
      cpSync(small, out, { recursive: true });
      truncateSync(join(out, 'thread_0.bin'), cut);
      // The walker killed before its end: the running manifest (its pid is gone).
      writeManifest(out, { ...manifest, status: 'running', endTime: null, files: [], totals: { entries: 0, dirs: 0, files: 0, errors: 0, bytes: 0n } });
      await resumeOk(out);
      await expectRecords(out, truth);
      expectEachDirectoryReadOnce(out, truth);
      rmSync(out, { recursive: true });
    }
  }, 120_000);
});

describe('entries changed between the kill and the resume', () => {
  it('directories read again show what is there now', async () => {
    const src = join(base, 'changing');
    // A tree of its own: copying `tree` would read its files and move their atimes.
    buildWideTree(src, 9, 10);
    settleAtimes(src);
    const out = join(base, 'changed');
    await killedWalk(out, 1, 64 + Math.floor(wholeBytes * 0.4), 'auto', src);
    // A directory the killed walk had not read: one made, one file removed, one file made.
    const finished = endMarkers(out);
    const unread = readdirSync(src).find((a) => a !== 'empty' && !finished.has(a) && readdirSync(join(src, a)).every((b) => !finished.has(`${a}/${b}`)))!;
    expect(unread, 'the kill left a top directory unread').toBeDefined();
    rmSync(join(src, unread, 'b0', 'f0'));
    mkdirSync(join(src, unread, 'new-dir'));
    writeFileSync(join(src, unread, 'new-dir', 'new-file'), 'new');
    settleAtimes(src);
    await resumeOk(out);
    const now = groundTruth(src).entries;
    expect(now.some((r) => r.pathBytes.toString().endsWith('new-dir/new-file'))).toBe(true);
    const cat = await runCli(['cat', out, '--sort', 'path']);
    const got = expectSortedEntries(cat.stdout);
    // The changed directory's own record is in its parent's listing, which the killed walk had finished: it
    // keeps the times and link count read then (README: a resume keeps what finished directories recorded).
    const changed = Buffer.from(join(src, unread));
    const others = (recs: Rec[]): Rec[] => recs.filter((r) => !r.pathBytes.equals(changed));
    expect(got.filter((r) => r.pathBytes.equals(changed))).toHaveLength(1);
    expect(diffRecords(others(got), others(now))).toEqual([]);
  });
});

describe('refusals: one line, exit 2, the folder unchanged', () => {
  it('a complete walk', async () => {
    await expectResumeRefused(join(base, 'whole'), /walk \S+ is complete: nothing to resume/);
  });

  it('a walk of format 1', async () => {
    const out = join(base, 'format1');
    cpSync(join(REPO, 'test/fixtures/format1/walk'), out, { recursive: true });
    writeManifest(out, { ...readManifest(out), status: 'running', endTime: null });
    await expectResumeRefused(out, /walk \S+ is format version 1: only walks of format 2 can be resumed/);
  });

  it('a changed option', async () => {
    const out = join(base, 'option');
    await killedWalk(out, 1, 64 + 4096);
    await expectResumeRefused(out, /unknown flag --max-depth/, ['--max-depth', '2']);
    await expectResumeRefused(out, /unknown flag --exclude/, ['--exclude', 'a1']);
  });

  it('a root that is gone, or another directory now', async () => {
    const src = join(base, 'moving');
    // A tree of its own: copying `tree` would read its files and move their atimes.
    buildWideTree(src, 9, 10);
    const out = join(base, 'moved');
    await killedWalk(out, 1, 64 + 4096, 'auto', src);
    renameSync(src, `${src}.away`);
    // Quiet: the walk killed a moment ago is watched for a beat first, which a resume says on stderr.
    await expectResumeRefused(out, /cannot resume \S+: its root \S+ is gone \(.*ENOENT.*\)/, ['--quiet'], HEARTBEAT);
    mkdirSync(src);
    await expectResumeRefused(
      out,
      /cannot resume \S+: its root \S+ is another directory or filesystem now \(inode or device changed\)/,
      ['--quiet'],
      HEARTBEAT,
    );
    rmSync(src, { recursive: true });
    renameSync(`${src}.away`, src);
    await resumeOk(out);
  });

  it('a walk still running, and a walk being resumed already', async () => {
    const out = join(base, 'busy');
    const slow = { ...process.env, PWALK_TEST_PAUSE_BEFORE_OPEN_MS: '30' };
    const until = (test: () => boolean): Promise<void> =>
      new Promise((res) => {
        const poll = setInterval(() => test() && (clearInterval(poll), res()), 10);
      });
    const walker = spawn(process.execPath, [CLI, tree, '--out', out, '--threads', '1', '--quiet'], { cwd: REPO, env: slow });
    const walkerExited = new Promise((res) => walker.on('exit', res));
    await until(() => existsSync(join(out, 'manifest.msgpack')) && threadBytes(out) >= 64);
    await expectResumeRefused(out, new RegExp(`walk \\S+ is still running as pid ${walker.pid}: stop it first`));
    walker.kill('SIGKILL');
    await walkerExited;
    // Now a resume runs (slowly), and a second one is refused meanwhile.
    const first = spawn(process.execPath, [CLI, 'resume', out, '--quiet'], { cwd: REPO, env: { ...slow, ...HEARTBEAT } });
    const firstExited = new Promise((res) => first.on('exit', res));
    await until(() => existsSync(join(out, 'resume.lock')) && readManifest(out).pid === first.pid);
    const second = await runCli(['resume', out]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/^pwalk-ts: walk \S+ is being resumed already \(pid \d+\)\n$/);
    expect(readFileSync(join(out, 'resume.lock'), 'utf8')).toBe(`${first.pid} ${hostname()}\n`);
    await firstExited;
    expect(readManifest(out).status).toBe('complete');
    expect(existsSync(join(out, 'resume.lock'))).toBe(false);
    await expectRecords(out, truth);
  });
});
