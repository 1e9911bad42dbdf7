// A directory swapped for a symlink between its stat and its open must not be
// followed: a user who can write in the walked tree could otherwise make a root
// walk record (and descend into) any folder, /root included. Each directory is
// opened without following its last component and must be the (dev, inode) that
// was stat'ed; otherwise the walk writes an error record for it and goes on.
//
// (a) deterministic: PWALK_TEST_PAUSE_BEFORE_OPEN_MS holds every directory between
//     its stat and its open; a helper watching the parent with inotify swaps the
//     directory (or its parent) for a symlink to a folder of MARKER names while the
//     walker waits, on every engine: native, TypeScript, async, long-path, multi-host.
// (b) stress: an unprivileged racer (nobody) swaps directories back and forth in a
//     loop while root walks again and again; no MARKER name may ever be recorded.
// (c) without /proc/self/fd, which directories are read through, a walk is refused.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWalk, type WalkEntryError } from '@pwalk-ts/reader';
import { CLI, nobodyPrefix, runCli, type Route } from '../helpers/run-cli.js';
import { privateRedis, redisSkipReason } from '../helpers/redis.js';
import { nativeSkipReason } from '../helpers/routes.js';
import { makeTempBase, py, PYTHON, removeTempBase } from '../helpers/trees.js';

const MARKER = 'MARKER';
const VICTIM = 'victim';

/**
 * Waits (inotify, through ctypes) until the walker opens the watched directory,
 * which is when it lists it and stats its entries, then after `delay` ms (well
 * after those stats, well before the paused open of the next directory) renames
 * `name` in its parent aside and puts a symlink to `target` in its place.
 * argv: base, watched dir and swap parent (relative to base, any length), name, target, delay ms.
 */
const SWAPPER = `
import ctypes, os, struct, sys, time
base, watch_rel, parent_rel, name, target, delay = sys.argv[1:7]
def open_rel(rel):
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    for part in [p for p in rel.split('/') if p]:
        nfd = os.open(part, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    return fd
libc = ctypes.CDLL(None, use_errno=True)
IN_OPEN = 0x20
# Both opened before the watch starts: only the walker's opens are seen.
pfd = open_rel(parent_rel)
wfd = open_rel(watch_rel)
ino = libc.inotify_init()
if libc.inotify_add_watch(ino, ('/proc/self/fd/%d' % wfd).encode(), IN_OPEN) < 0:
    raise OSError(ctypes.get_errno(), 'inotify_add_watch')
print('ready', flush=True)
os.read(ino, 4096)
time.sleep(int(delay) / 1000)
os.rename(name, name + '.aside', src_dir_fd=pfd, dst_dir_fd=pfd)
os.symlink(target, name, dir_fd=pfd)
print('swapped', flush=True)
`;

let base: string;
/** Outside every tree: MARKER names, and a `victim` folder of them for a swapped parent. */
let outside: string;

/** MARKER files and folders under `dir`. */
function markerTree(dir: string): void {
  mkdirSync(join(dir, `${MARKER}-dir`), { recursive: true });
  writeFileSync(join(dir, `${MARKER}-top`), 'outside');
  writeFileSync(join(dir, `${MARKER}-dir`, `${MARKER}-deep`), 'outside');
}

/** A tree `<dir>/<chain...>/parent/victim/{a,b,sub/c}`; returns the relative paths of parent and victim. */
function victimTree(dir: string, chain: readonly string[] = []): { parent: string; victim: string } {
  const parent = [...chain, 'parent'].join('/');
  const victim = `${parent}/${VICTIM}`;
  py(
    `import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
for part in sys.argv[2].split('/'):
    os.mkdir(part, dir_fd=fd)
    nfd = os.open(part, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
for f in ('a', 'b'):
    os.close(os.open(f, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
os.mkdir('sub', dir_fd=fd)
os.close(os.open('sub/c', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))`,
    dir,
    victim,
  );
  return { parent, victim };
}

interface SwapWalk {
  code: number | null;
  stderr: string;
  /** Every recorded path (entries and errors). */
  paths: string[];
  errors: WalkEntryError[];
}

/** Walks `tree` with every open paused `pauseMs` while SWAPPER swaps `parentRel/name` once `watchRel` is opened. */
async function walkWithSwap(
  tree: string,
  out: string,
  swap: { watchRel: string; parentRel: string; name: string; pauseMs: number },
  walkArgs: string[],
  route: Route | undefined,
  extraEnv: Record<string, string> = {},
): Promise<SwapWalk> {
  const swapper = spawn(PYTHON, ['-c', SWAPPER, tree, swap.watchRel, swap.parentRel, swap.name, outside, String(swap.pauseMs / 2)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let said = '';
  let stderr = '';
  swapper.stdout.on('data', (d: Buffer) => (said += d.toString()));
  swapper.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => swapper.once('exit', r));
  while (!said.includes('ready')) {
    if (swapper.exitCode !== null) throw new Error(`swapper failed: ${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const walk = await runCli([tree, '--out', out, '--quiet', ...walkArgs], {
    route,
    env: { PWALK_TEST_PAUSE_BEFORE_OPEN_MS: String(swap.pauseMs), ...extraEnv },
  });
  swapper.kill();
  await exited;
  expect(said, `the swap happened during the walk (swapper stderr: ${stderr})`).toContain('swapped');
  return { code: walk.code, stderr: walk.stderr, ...(await readWalk(out)) };
}

/** Every recorded path of a walk (entries and errors), and its error records, through the SDK. */
async function readWalk(out: string): Promise<{ paths: string[]; errors: WalkEntryError[] }> {
  const walk = await openWalk(out);
  const paths: string[] = [];
  const errors: WalkEntryError[] = [];
  for await (const e of walk.records()) paths.push(e.path);
  for await (const e of walk.errors()) {
    paths.push(e.path);
    errors.push(e);
  }
  return { paths, errors };
}

function expectRefused(result: SwapWalk, dir: string, syscall: string, code: string): void {
  expect(result.paths.filter((p) => p.includes(MARKER))).toEqual([]);
  expect(result.errors.map((e) => `${e.path} ${e.syscall} ${e.code}`)).toContain(`${dir} ${syscall} ${code}`);
  expect(result.code, result.stderr).toBe(1);
}

/** The engines of a walk on one host, by how they are chosen. */
const ENGINES: { name: string; route: Route; args: string[]; skip: string | null }[] = [
  { name: 'native sync', route: 'native', args: ['--threads', '2', '--engine', 'sync'], skip: nativeSkipReason },
  { name: 'TypeScript sync', route: 'ts', args: ['--threads', '2', '--engine', 'sync'], skip: null },
  { name: 'native async', route: 'native', args: ['--threads', '4', '--engine', 'async'], skip: nativeSkipReason },
  { name: 'TypeScript async', route: 'ts', args: ['--threads', '4', '--engine', 'async'], skip: null },
];

const PAUSE_MS = 1200;

beforeAll(() => {
  base = makeTempBase('swap');
  outside = join(base, 'outside');
  markerTree(outside);
  markerTree(join(outside, VICTIM));
});
afterAll(() => removeTempBase(base));

describe('a directory swapped for a symlink between its stat and its open (paused walker)', () => {
  for (const engine of ENGINES) {
    it.skipIf(engine.skip !== null)(`${engine.name}: the directory itself is not followed (ENOTDIR)`, async () => {
      const tree = join(base, `self-${engine.route}-${engine.args.join('')}`);
      mkdirSync(tree);
      const { parent, victim } = victimTree(tree);
      const result = await walkWithSwap(
        tree,
        `${tree}.walk`,
        { watchRel: parent, parentRel: parent, name: VICTIM, pauseMs: PAUSE_MS },
        engine.args,
        engine.route,
      );
      expectRefused(result, join(tree, victim), 'scandir', 'ENOTDIR');
    });

    it.skipIf(engine.skip !== null)(`${engine.name}: a swapped parent does not redirect its child (ESTALE)`, async () => {
      const tree = join(base, `parent-${engine.route}-${engine.args.join('')}`);
      mkdirSync(tree);
      const { parent, victim } = victimTree(tree);
      const result = await walkWithSwap(
        tree,
        `${tree}.walk`,
        { watchRel: parent, parentRel: '', name: 'parent', pauseMs: PAUSE_MS },
        engine.args,
        engine.route,
      );
      expectRefused(result, join(tree, victim), 'scandir', 'ESTALE');
    });
  }

  // 15 levels of 250-byte names put `parent` and `victim` past the PATH_MAX margin:
  // they are opened a chunk at a time, and the swapped parent sits inside a chunk.
  const chain = Array.from({ length: 15 }, (_, i) => `${String(i).padStart(2, '0')}${'n'.repeat(248)}`);
  for (const route of ['native', 'ts'] as const) {
    it.skipIf(route === 'native' && nativeSkipReason !== null)(
      `${route} long-path route: a swapped parent does not redirect its child (ESTALE)`,
      async () => {
        const tree = join(base, `long-${route}`);
        mkdirSync(tree);
        const { parent, victim } = victimTree(tree, chain);
        const parentOfParent = chain.join('/');
        const result = await walkWithSwap(
          tree,
          `${tree}.walk`,
          { watchRel: parent, parentRel: parentOfParent, name: 'parent', pauseMs: 600 },
          ['--threads', '2'],
          route,
        );
        expectRefused(result, join(tree, victim), 'open', 'ESTALE');
      },
      60_000,
    );
  }

  const redisSkip = redisSkipReason();
  it.skipIf(redisSkip !== null)('multi-host walk (--queue): the directory itself is not followed (ENOTDIR)', async () => {
    const redis = await privateRedis();
    try {
      const tree = join(base, 'multi-host');
      mkdirSync(tree);
      const { parent, victim } = victimTree(tree);
      const result = await walkWithSwap(
        tree,
        `${tree}.walk`,
        { watchRel: parent, parentRel: parent, name: VICTIM, pauseMs: PAUSE_MS },
        ['--queue', redis.url, '--threads', '2'],
        undefined,
      );
      expectRefused(result, join(tree, victim), 'scandir', 'ENOTDIR');
    } finally {
      await redis.stop();
    }
  });
});

describe('a walk without /proc/self/fd, which every directory is read through', () => {
  it('is refused before anything is walked: exit 2, one line, no walk folder', async () => {
    const tree = join(base, 'no-proc');
    mkdirSync(tree);
    victimTree(tree);
    const out = join(base, 'no-proc.walk');
    // A mount namespace of its own with an empty /proc, as in a chroot or container without one.
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('unshare', ['--mount', 'sh', '-c', 'mount -t tmpfs none /proc && exec "$0" "$@"', process.execPath, CLI, tree, '--out', out], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('close', (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toBe('pwalk-ts: cannot walk without /proc/self/fd (mount /proc): directories are read through their descriptors\n');
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

/**
 * Run as nobody: swaps each of the given directories for a symlink to the marker
 * folder and back, round and round, until the stop file appears; prints the number
 * of swaps.
 */
const RACER = `
import os, sys
target, stop = sys.argv[1], sys.argv[2]
dirs = sys.argv[3:]
n = 0
parent = os.getppid()
# The stop file, or the test process gone (a killed vitest never writes it): never outlive the test.
while not os.path.exists(stop) and os.getppid() == parent:
    for d in dirs:
        try:
            os.rename(d, d + '.x')
            os.symlink(target, d)
            os.unlink(d)
            os.rename(d + '.x', d)
            n += 1
        except OSError:
            pass
print(n)
`;

describe('an unprivileged racer swapping directories for symlinks during root walks', () => {
  const STRESS_MS = 6_000;
  for (const engine of ENGINES) {
    it.skipIf(engine.skip !== null)(
      `${engine.name}: no name from outside the tree is ever recorded`,
      async () => {
        const tree = join(base, `race-${engine.route}-${engine.args.join('')}`);
        const dirs: string[] = [];
        // Writable by nobody: 8 swapped folders, each with a file and a subfolder.
        for (let i = 0; i < 8; i++) {
          const d = join(tree, `d${i}`);
          mkdirSync(join(d, 'sub'), { recursive: true });
          writeFileSync(join(d, 'f'), 'x');
          writeFileSync(join(d, 'sub', 'g'), 'x');
          dirs.push(d);
        }
        execFileSync('chown', ['-R', 'nobody:nogroup', tree]);
        const stop = join(base, `stop-${engine.route}-${engine.args.join('')}`);
        const racer = spawn('setpriv', [...nobodyPrefix(), PYTHON, '-c', RACER, outside, stop, ...dirs], { stdio: ['ignore', 'pipe', 'inherit'] });
        let swaps = '';
        racer.stdout.on('data', (d: Buffer) => (swaps += d.toString()));
        const exited = new Promise((r) => racer.once('exit', r));
        const leaked: string[] = [];
        let walks = 0;
        try {
          const end = Date.now() + STRESS_MS;
          while (Date.now() < end) {
            const out = join(base, `race-walk-${engine.route}-${engine.args.join('')}-${walks++}`);
            const walk = await runCli([tree, '--out', out, '--quiet', ...engine.args], { route: engine.route });
            expect([0, 1], walk.stderr).toContain(walk.code);
            for (const p of (await readWalk(out)).paths) if (p.includes(MARKER)) leaked.push(`walk ${walks}: ${p}`);
          }
        } finally {
          writeFileSync(stop, '');
          await exited;
        }
        expect(Number(swaps), 'the racer swapped directories').toBeGreaterThan(100);
        expect(walks).toBeGreaterThan(1);
        expect(leaked).toEqual([]);
      },
      60_000,
    );
  }
});
