// pwalk-ts resume against a hostile walk folder or tree (found by a hostile review):
// a resume runs as root over folders on shared spools, so what it reads to decide
// what to walk (manifest, thread files, lock) must be the caller's or root's, the
// lock must never be followed or block, the paths it reads again must stay below
// the root, and a path that now passes through a symlink is no longer in the tree.
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, writeManifest } from '@pwalk-ts/reader';
import { dirEntry, endMarker, frameBlock, replaceBlocks } from '../helpers/forged-frames.js';
import { expectResumeRefused } from '../helpers/resume-refusal.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempBase, removeTempBase } from '../helpers/trees.js';

let base: string;
let count = 0;

beforeAll(() => {
  base = makeTempBase('resume-hostile');
});
afterAll(() => removeTempBase(base));

/** A tree walked to the end at one thread, its manifest then marked interrupted (a resume finds nothing to read but what a test forges). */
async function stoppedWalk(build: (tree: string) => void): Promise<{ tree: string; out: string }> {
  const tree = join(base, `tree${++count}`);
  mkdirSync(tree);
  build(tree);
  const out = join(base, `walk${count}`);
  const r = await runCli([tree, '--out', out, '--threads', '1', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  writeManifest(out, { ...readManifest(out), status: 'interrupted', endTime: null });
  return { tree, out };
}

/** The walk's relative paths, as `cat` lists them. */
async function walkedPaths(out: string, tree: string): Promise<string[]> {
  const r = await runCli(['cat', out, '--format', 'csv']);
  return r.stdout
    .toString()
    .split('\r\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(',')[0]!.replace(/^"|"$/g, ''))
    .map((p) => (p === tree ? '' : p.slice(tree.length + 1)));
}

describe('a forged walk folder', () => {
  it('a folder or file of another user, or writable by others, is refused', async () => {
    const { out } = await stoppedWalk((t) => writeFileSync(join(t, 'f'), 'x'));
    chownSync(out, 65534, 65534);
    await expectResumeRefused(out, /cannot resume \S+: walk folder \S+ cannot be trusted: it belongs to uid 65534, not to you or root/);
    chownSync(out, 0, 0);
    chmodSync(out, 0o777);
    await expectResumeRefused(out, /cannot resume \S+: walk folder \S+ cannot be trusted: it is writable by its group or others \(mode 777\)/);
    chmodSync(out, 0o755);
    symlinkSync(out, `${out}.link`);
    await expectResumeRefused(
      `${out}.link`,
      /cannot resume \S+: walk folder \S+ cannot be trusted: it is not a regular folder but a symlink \(give the folder it names\)/,
    );
    chownSync(join(out, 'thread_0.bin'), 65534, 65534);
    await expectResumeRefused(out, /cannot resume \S+: walk file \S+thread_0\.bin cannot be trusted: it belongs to uid 65534, not to you or root/);
    chownSync(join(out, 'thread_0.bin'), 0, 0);
    const r = await runCli(['resume', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a folder above it that another user could rename it out of is refused; a sticky spool of root is not', async () => {
    const { out } = await stoppedWalk((t) => writeFileSync(join(t, 'f'), 'x'));
    const spool = join(base, `spool${count}`);
    mkdirSync(join(spool, 'walks'), { recursive: true });
    const moved = join(spool, 'walks', 'w');
    renameSync(out, moved);
    chmodSync(spool, 0o777);
    await expectResumeRefused(
      moved,
      /cannot resume \S+: it is below \S+spool\d+, which could move it away or replace it: it is writable by its group or others and not a sticky folder of root's \(mode 777\)/,
    );
    chmodSync(spool, 0o1777);
    chownSync(join(spool, 'walks'), 65534, 65534);
    await expectResumeRefused(
      moved,
      /cannot resume \S+: it is below \S+spool\d+\/walks, which could move it away or replace it: it belongs to uid 65534, not to you or root/,
    );
    chownSync(join(spool, 'walks'), 0, 0);
    const r = await runCli(['resume', moved, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a thread file or manifest that is a symlink or a FIFO is refused, never followed nor opened', async () => {
    const { out } = await stoppedWalk((t) => writeFileSync(join(t, 'f'), 'x'));
    renameSync(join(out, 'thread_0.bin'), join(base, 'moved.bin'));
    symlinkSync(join(base, 'moved.bin'), join(out, 'thread_0.bin'));
    await expectResumeRefused(out, /cannot resume \S+: walk file \S+thread_0\.bin cannot be trusted: it is not a regular file but a symlink/);
    rmSync(join(out, 'thread_0.bin'));
    execFileSync('mkfifo', [join(out, 'thread_0.bin')]);
    await expectResumeRefused(out, /cannot resume \S+: walk file \S+thread_0\.bin cannot be trusted: it is not a regular file/);
  });

  it('a thread file or manifest that is a FIFO does not hang info', async () => {
    const { out } = await stoppedWalk((t) => writeFileSync(join(t, 'f'), 'x'));
    execFileSync('mkfifo', [join(out, 'thread_7.bin')]);
    let r = await runCli(['info', out], { timeoutMs: 20_000 });
    expect(r.stderr.toString()).toMatch(/PWALK_BAD_HEADER: thread file is not a regular file \(\S+thread_7\.bin\)/);
    expect(r.code).toBe(1);
    rmSync(join(out, 'manifest.msgpack'));
    execFileSync('mkfifo', [join(out, 'manifest.msgpack')]);
    r = await runCli(['info', out], { timeoutMs: 20_000 });
    expect(r.stderr.toString()).toMatch(/PWALK_BAD_MANIFEST: manifest is not a regular file \(\S+manifest\.msgpack\)/);
    expect(r.code).toBe(1);
  });

  it('a directory path that leaves the root (.., an empty or absolute component) is damage: refused, nothing outside read', async () => {
    for (const forged of [
      { dir: '', name: '..' },
      { dir: 'a/../..', name: 'x' },
      { dir: '/etc', name: 'x' },
      { dir: '', name: '.' },
    ]) {
      const { tree, out } = await stoppedWalk(() => {});
      const root = lstatSync(tree, { bigint: true });
      mkdirSync(join(tree, '..', `outside${count}`));
      const payload = Buffer.from([
        ...dirEntry({ name: '', ino: root.ino, dev: root.dev, descended: true, dir: { path: '', ino: 0 } }),
        ...dirEntry({ name: forged.name, ino: root.ino, dev: root.dev, descended: true, dir: { path: forged.dir, ino: root.ino } }),
        ...endMarker({ path: '', ino: root.ino }),
      ]);
      replaceBlocks(join(out, 'thread_0.bin'), [frameBlock(payload, 2)]);
      await expectResumeRefused(
        out,
        /cannot resume \S+: record \d+: (name|directory) ".*" is not (one path component|below the root) \(\S+thread_0\.bin at byte \d+\): the walk is damaged, not only cut/,
      );
    }
  });
});

describe('the resume lock', () => {
  it('a lock that is a FIFO or a symlink is refused in one line, never opened or followed', async () => {
    const { out } = await stoppedWalk((t) => writeFileSync(join(t, 'f'), 'x'));
    execFileSync('mkfifo', [join(out, 'resume.lock')]);
    await expectResumeRefused(out, /cannot resume \S+: walk file \S+resume\.lock cannot be trusted: it is not a regular file/);
    rmSync(join(out, 'resume.lock'));
    symlinkSync('/dev/zero', join(out, 'resume.lock'));
    await expectResumeRefused(out, /cannot resume \S+: walk file \S+resume\.lock cannot be trusted: it is not a regular file but a symlink/);
  });
});

describe('a stale pid', () => {
  it('a lock or running manifest of this host whose pid a process started since holds is stale: taken over', async () => {
    const { out } = await stoppedWalk((t) => writeFileSync(join(t, 'f'), 'x'));
    const sleeper = spawn('sleep', ['120'], { stdio: 'ignore' });
    try {
      const hourAgo = Date.now() - 3_600_000;
      writeManifest(out, { ...readManifest(out), status: 'running', pid: sleeper.pid!, startTime: hourAgo });
      writeFileSync(join(out, 'resume.lock'), `${sleeper.pid} ${hostname()}\n`);
      // A lock written after its process started may be that process's: refused.
      await expectResumeRefused(out, new RegExp(`walk \\S+ is being resumed already \\(pid ${sleeper.pid}\\)`));
      utimesSync(join(out, 'resume.lock'), new Date(hourAgo), new Date(hourAgo));
      // Stale only once the manifest also stays untouched for a watch (a clock stepped since could mislead the pid's start time).
      const r = await runCli(['resume', out, '--quiet'], { env: { PWALK_TEST_HEARTBEAT_MS: '200' } });
      expect(r.code, r.stderr).toBe(0);
      expect(readManifest(out).status).toBe('complete');
      expect(existsSync(join(out, 'resume.lock'))).toBe(false);
    } finally {
      sleeper.kill();
    }
  });
});

describe('a tree changed to steer the resume', () => {
  it('a directory to read again whose path now passes through a symlink is not read through it (no directory read twice)', async () => {
    // The walk stopped with a/x and a/y/z stacked and unread, a and a/y read to the end.
    const { tree, out } = await stoppedWalk((t) => {
      mkdirSync(join(t, 'a/x'), { recursive: true });
      mkdirSync(join(t, 'a/y/z'), { recursive: true });
      writeFileSync(join(t, 'a/y/z/f'), 'x');
    });
    const st = (rel: string): { ino: bigint; dev: bigint } => lstatSync(join(tree, rel), { bigint: true });
    const [root, a, x, y, z] = ['', 'a', 'a/x', 'a/y', 'a/y/z'].map(st) as [ReturnType<typeof st>, ...ReturnType<typeof st>[]];
    const payload = Buffer.from([
      ...dirEntry({ name: '', ...root, descended: true, dir: { path: '', ino: 0 } }),
      ...dirEntry({ name: 'a', ...a!, descended: true, dir: { path: '', ino: root.ino } }),
      ...endMarker(),
      ...dirEntry({ name: 'x', ...x!, descended: true, dir: { path: 'a', ino: a!.ino } }),
      ...dirEntry({ name: 'y', ...y!, descended: true }),
      ...endMarker(),
      ...dirEntry({ name: 'z', ...z!, descended: true, dir: { path: 'a/y', ino: y!.ino } }),
      ...endMarker(),
    ]);
    replaceBlocks(join(out, 'thread_0.bin'), [frameBlock(payload, 5)]);
    // Between the kill and the resume, a user moves z into x and makes a/y a symlink to x.
    renameSync(join(tree, 'a/y/z'), join(tree, 'a/x/z'));
    rmSync(join(tree, 'a/y'), { recursive: true });
    symlinkSync('x', join(tree, 'a/y'));
    const r = await runCli(['resume', out, '--quiet']);
    expect(r.code, r.stderr.toString()).toBe(0);
    const paths = await walkedPaths(out, tree);
    expect(paths.filter((p) => p.endsWith('/f'))).toEqual(['a/x/z/f']);
  });
});

describe('a walk or resume killed at any byte', () => {
  it('a thread file cut inside its header (killed or out of power just after creating it) holds nothing: removed, and the walk resumed', async () => {
    const { tree, out } = await stoppedWalk((t) => {
      mkdirSync(join(t, 'd'));
      writeFileSync(join(t, 'd/f'), 'x');
    });
    const cut = ['thread_3.bin', 'thread_r7-1.bin', 'thread_r7-2.bin'];
    writeFileSync(join(out, cut[0]!), '');
    writeFileSync(join(out, cut[1]!), readFileSync(join(out, 'thread_0.bin')).subarray(0, 20));
    writeFileSync(join(out, cut[2]!), Buffer.alloc(40));
    const r = await runCli(['resume', out, '--quiet']);
    expect(r.code, r.stderr.toString()).toBe(0);
    expect(readdirSync(out).filter((n) => cut.includes(n))).toEqual([]);
    expect((await walkedPaths(out, tree)).sort()).toEqual(['', 'd', 'd/f']);
    const info = await runCli(['info', out]);
    expect(info.code, info.stderr.toString()).toBe(0);
  });

  it('a short file that is not the start of a header is damage: refused', async () => {
    const { out } = await stoppedWalk((t) => writeFileSync(join(t, 'f'), 'x'));
    writeFileSync(join(out, 'thread_r1-0.bin'), 'not a header');
    await expectResumeRefused(out, /cannot resume \S+: file is 12 bytes, shorter than the 64-byte header \(\S+thread_r1-0\.bin at byte 0\)/);
  });
});
