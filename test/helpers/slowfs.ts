// The slowfs FUSE mirror (../shared/tools/slowfs.py from the repo root): a read-only
// mirror of a folder whose every metadata call can be delayed (--delay-ms), whose
// attributes the kernel caches for --cache-s seconds, and whose inode numbers can be
// offset (--ino-offset). Tests mount it to slow a walk down or to see huge inodes.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO } from './run-cli.js';
import { PYTHON } from './trees.js';

export const SLOWFS = resolve(REPO, '../shared/tools/slowfs.py');

/** Why slowfs cannot be mounted on this machine, or null when it can. */
export function slowfsSkipReason(): string | null {
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
    return `${PYTHON} has no fusepy module (apt-get install python3-fusepy)`;
  }
  return null;
}

/** Whether a filesystem is mounted at exactly `path` (as /proc/self/mountinfo spells it). */
export function isMounted(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === path);
}

export interface SlowfsMount {
  /** Unmounts (fusermount3 -u) and waits for slowfs to exit; a failure is warned about, not thrown. */
  unmount(): Promise<void>;
  /** Whether the mount is still there (after a failed unmount: then leave the folder alone). */
  isMounted(): boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Mounts `src` at `mnt` (an existing empty folder) through slowfs, with `extraArgs`
 * (e.g. ['--delay-ms', '2', '--cache-s', '0']), and resolves once the kernel lists the
 * mount. Rejects with slowfs's stderr when it exits first or does not mount within
 * `timeoutMs`.
 */
export async function mountSlowfs(src: string, mnt: string, extraArgs: readonly string[] = [], timeoutMs = 15_000): Promise<SlowfsMount> {
  const child = spawn(PYTHON, [SLOWFS, src, mnt, ...extraArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let spawnError: Error | null = null;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('error', (err) => (spawnError = err));
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  const running = (): boolean => spawnError === null && child.exitCode === null && child.signalCode === null;

  const unmount = async (): Promise<void> => {
    if (isMounted(mnt)) {
      try {
        execFileSync('fusermount3', ['-u', mnt], { stdio: 'pipe' });
      } catch (err) {
        console.warn(`fusermount3 -u ${mnt} failed: ${(err as Error).message}`);
      }
    }
    // slowfs exits by itself once unmounted.
    if (running()) await Promise.race([exited, sleep(2000)]);
    if (running()) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(2000)]);
    }
  };

  const until = Date.now() + timeoutMs;
  while (!isMounted(mnt)) {
    let problem: string | null = null;
    if (spawnError !== null) problem = `slowfs did not start: ${(spawnError as Error).message}`;
    else if (!running()) problem = `slowfs exited with ${child.exitCode ?? child.signalCode}: ${stderr}`;
    else if (Date.now() > until) problem = `slowfs did not mount ${mnt} within ${timeoutMs} ms: ${stderr}`;
    if (problem !== null) {
      await unmount();
      throw new Error(problem);
    }
    await sleep(50);
  }
  return { unmount, isMounted: () => isMounted(mnt) };
}
