// A fresh slowfs (FUSE) mount for the length of one measurement, shared by the
// benchmarks: ../shared/tools/slowfs.py beside the repository, every metadata call
// delayed by --delay-ms, the kernel's cache empty at the start.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// shared/ sits beside the repository, on developer machines and in CI alike.
export const SLOWFS = path.join(REPO, '../shared/tools/slowfs.py');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Mounts `src` through slowfs at `mnt` for the length of `fn`: a fresh mount, so the
// kernel has cached no name or attribute yet.
export async function withSlowfs(src, mnt, delayMs, scratch, fn) {
  const log = fs.openSync(path.join(scratch, 'slowfs.log'), 'a');
  const server = spawn('/usr/bin/python3', [SLOWFS, src, mnt, '--delay-ms', String(delayMs)], {
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = once(server, 'exit');
  try {
    for (let waited = 0; !mountedAt(mnt); waited += 20) {
      if (server.exitCode !== null || waited > 15_000) {
        throw new Error(`slowfs did not mount ${mnt}; see ${path.join(scratch, 'slowfs.log')}`);
      }
      await sleep(20);
    }
    return await fn();
  } finally {
    if (mountedAt(mnt)) unmount(['fusermount3', '-u', mnt], mnt);
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export function mountedAt(dir) {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === dir);
}

// A mount can stay busy for a moment after the walker exits: retry before giving up.
export function unmount(argv, dir) {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (spawnSync(argv[0], argv.slice(1), { stdio: 'ignore' }).status === 0 || !mountedAt(dir)) return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
  throw new Error(`could not unmount ${dir}`);
}
