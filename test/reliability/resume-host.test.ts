// A walk folder on a filesystem shared by several hosts (/scratch on a cluster): the walk
// killed on one node is resumed from another, which cannot ask the first node's kernel
// whether the walk's pid lives. A running walk or resume touches its manifest every
// heartbeat (heartbeat.ts); a resume from another host takes the walk over only once the
// manifest stayed untouched for a whole watch, and otherwise refuses without changing a
// byte of the folder, so the walk still running there completes exactly. The walk of
// "another host" runs in a UTS namespace of its own (unshare -u) under another host name.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, writeManifest } from '@pwalk-ts/reader';
import { diffRecords, expectSortedEntries, groundTruth, settleAtimes, type Rec } from '../helpers/records.js';
import { expectResumeRefused } from '../helpers/resume-refusal.js';
import { CLI, REPO, runCli } from '../helpers/run-cli.js';
import { buildWideTree, makeTempBase, removeTempBase } from '../helpers/trees.js';

const OTHER_HOST = 'other-node';
/** The heartbeat every walk and resume of these tests beats and watches (PWALK_TEST_HEARTBEAT_MS): a watch of 0.5 s. */
const HEARTBEAT = { PWALK_TEST_HEARTBEAT_MS: '200' };

let base: string;
let tree: string;
let truth: Rec[];
let count = 0;

interface OtherHostWalk {
  out: string;
  pid: number;
  kill(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Where a test's walk runs: another host (a UTS namespace named OTHER_HOST), this one, or a pid namespace of this host. */
type Where = 'other host' | 'this host' | 'pid namespace';

/** The command that runs `walk` where asked. In a pid namespace the walk's pid is 300 000, past this host's pid_max: no pid of this host. */
function placed(walk: string[], where: Where): [string, string[]] {
  if (where === 'this host') return [walk[0]!, walk.slice(1)];
  if (where === 'other host') return ['unshare', ['-u', 'sh', '-c', `hostname ${OTHER_HOST} && exec "$@"`, 'sh', ...walk]];
  return ['unshare', ['-pf', '--kill-child', '--mount-proc', 'sh', '-c', 'echo 299999 > /proc/sys/kernel/ns_last_pid && "$@"', 'sh', ...walk]];
}

/** `pwalk-ts TREE --out OUT` started `where`, each directory's open held `pauseMs`. */
function walkOnOtherHost(pauseMs: number, where: Where = 'other host'): OtherHostWalk {
  const out = join(base, `walk${++count}`);
  const [command, args] = placed([process.execPath, CLI, tree, '--out', out, '--threads', '2', '--quiet'], where);
  const child = spawn(command, args, {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...HEARTBEAT, PWALK_TEST_PAUSE_BEFORE_OPEN_MS: String(pauseMs) },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise({ code, signal, stderr }));
  });
  return { out, pid: child.pid!, kill: () => child.kill('SIGKILL'), exited };
}

/** Resolves once `out` holds the walk's 'running' manifest. */
async function running(out: string): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 20) {
    if (existsSync(join(out, 'manifest.msgpack')) && readManifest(out).status === 'running') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${out} never said running`);
}

/** A walk of OTHER_HOST SIGKILLed once running: its manifest still says so. */
async function killedOnOtherHost(): Promise<OtherHostWalk> {
  const walk = walkOnOtherHost(100);
  await running(walk.out);
  walk.kill();
  await walk.exited;
  expect(readManifest(walk.out).status).toBe('running');
  return walk;
}

async function expectTree(out: string): Promise<void> {
  const cat = await runCli(['cat', out, '--sort', 'path']);
  expect(cat.code, cat.stderr).toBe(0);
  expect(diffRecords(expectSortedEntries(cat.stdout), truth)).toEqual([]);
}

beforeAll(() => {
  base = makeTempBase('resume-host');
  tree = join(base, 'tree');
  buildWideTree(tree, 12, 5);
  settleAtimes(tree);
  truth = groundTruth(tree).entries;
});
afterAll(() => removeTempBase(base));

describe('a walk of another host', () => {
  it('still running there: the resume watches its heartbeat, refuses in one line, and that walk completes exactly', async () => {
    const walk = walkOnOtherHost(100);
    await running(walk.out);
    expect(readManifest(walk.out).host).toBe(OTHER_HOST);
    const r = await runCli(['resume', walk.out], { env: HEARTBEAT });
    expect(r.code, r.stderr).toBe(2);
    const pid = String(readManifest(walk.out).pid);
    expect(r.stderr).toBe(
      `pwalk-ts: walk ${walk.out} says it runs on host ${OTHER_HOST} (pid ${pid}): watching its manifest 0.5 s for a sign that it still runs\n` +
        `pwalk-ts: walk ${walk.out} is running on host ${OTHER_HOST} (pid ${pid}): its manifest was touched in the last 0.5 s; stop it there first\n`,
    );
    const done = await walk.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(readdirSync(walk.out).sort()).toEqual(['manifest.msgpack', 'thread_0.bin', 'thread_1.bin']);
    await expectTree(walk.out);
  });

  it('killed there: once its manifest stays untouched for the watch, the resume takes it over and completes it exactly', async () => {
    const walk = await killedOnOtherHost();
    const r = await runCli(['resume', walk.out], { env: HEARTBEAT });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^pwalk-ts: walk \\S+ says it runs on host ${OTHER_HOST} \\(pid \\d+\\): watching its manifest 0\\.5 s`));
    expect(readManifest(walk.out).status).toBe('complete');
    await expectTree(walk.out);
  });

  it('a resume lock of another host: taken over once the manifest stays untouched, refused while it beats', async () => {
    const walk = await killedOnOtherHost();
    writeFileSync(join(walk.out, 'resume.lock'), `4242 ${OTHER_HOST}\n`);
    // A resume there beats: the manifest touched all along the watch.
    const beating = setInterval(() => utimesSync(join(walk.out, 'manifest.msgpack'), new Date(), new Date()), 50);
    try {
      await expectResumeRefused(
        walk.out,
        /walk \S+ is being resumed on host other-node \(pid 4242\): its manifest was touched in the last 0\.5 s/,
        ['--quiet'],
        HEARTBEAT,
      );
    } finally {
      clearInterval(beating);
    }
    const r = await runCli(['resume', walk.out, '--quiet'], { env: HEARTBEAT });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(existsSync(join(walk.out, 'resume.lock'))).toBe(false);
    await expectTree(walk.out);
  });
});

describe('a walk of this host', () => {
  it("still running, its pid's process seeming to start after the walk (the clock stepped forward since): refused while the manifest beats", async () => {
    const walk = walkOnOtherHost(100, 'this host');
    await running(walk.out);
    // The walk began while this host's clock was an hour behind (a node booted before NTP synced it).
    const manifest = readManifest(walk.out);
    writeManifest(walk.out, { ...manifest, startTime: manifest.startTime - 3_600_000 });
    const r = await runCli(['resume', walk.out], { env: HEARTBEAT });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      `pwalk-ts: walk ${walk.out} says it runs as pid ${manifest.pid}, held by a process that seems to have started after it: watching its manifest 0.5 s for a sign that it still runs\n` +
        `pwalk-ts: walk ${walk.out} is still running as pid ${manifest.pid}: its manifest was touched in the last 0.5 s; stop it first\n`,
    );
    const done = await walk.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(readdirSync(walk.out).sort()).toEqual(['manifest.msgpack', 'thread_0.bin', 'thread_1.bin']);
    await expectTree(walk.out);
  });

  it('its heartbeat touches the manifest itself, never what a symlink planted in its place points to', async () => {
    const victim = join(base, 'victim');
    writeFileSync(victim, 'x');
    const longAgo = new Date('2001-01-01T00:00:00Z');
    utimesSync(victim, longAgo, longAgo);
    const walk = walkOnOtherHost(100, 'this host');
    await running(walk.out);
    // Whoever owns a walk folder (an empty one given to --out) can put a symlink where the manifest was.
    rmSync(join(walk.out, 'manifest.msgpack'));
    symlinkSync(victim, join(walk.out, 'manifest.msgpack'));
    await new Promise((r) => setTimeout(r, 1_000));
    walk.kill();
    await walk.exited;
    expect(statSync(victim).mtimeMs).toBe(longAgo.getTime());
    expect(lstatSync(join(walk.out, 'manifest.msgpack')).isSymbolicLink()).toBe(true);
  });

  it('still running in another pid namespace (a container sharing the host name): refused while the manifest beats', async () => {
    const walk = walkOnOtherHost(100, 'pid namespace');
    await running(walk.out);
    const manifest = readManifest(walk.out);
    expect([manifest.host, manifest.pid, existsSync(`/proc/${manifest.pid}`)]).toEqual([hostname(), 300_000, false]);
    const r = await runCli(['resume', walk.out], { env: HEARTBEAT });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe(
      `pwalk-ts: walk ${walk.out} says it runs as pid 300000, held by no process this host sees, its manifest touched in the last 0.5 s: watching its manifest 0.5 s for a sign that it still runs\n` +
        `pwalk-ts: walk ${walk.out} is still running as pid 300000: its manifest was touched in the last 0.5 s; stop it first\n`,
    );
    const done = await walk.exited;
    expect(done.code, done.stderr).toBe(0);
    expect(readdirSync(walk.out).sort()).toEqual(['manifest.msgpack', 'thread_0.bin', 'thread_1.bin']);
    await expectTree(walk.out);
  });
});
