// A fresh latencyfs (FUSE, libfuse 3) mount for the length of one measurement:
// ../shared/tools/latencyfs.c beside the repository, built at bench time into a
// scratch folder (Debian: fuse3 libfuse3-dev pkg-config gcc), every LOOKUP, OPENDIR,
// READDIR and READLINK answered after --delay-ms, its --stats read at unmount.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { mountedAt, unmount } from './slowfs-mount.mjs';

const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const LATENCYFS_SOURCE = path.join(REPO, '../shared/tools/latencyfs.c');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Compiles latencyfs into `dir`; returns its path, or throws saying what is missing.
export function buildLatencyfs(dir) {
  if (!fs.existsSync(LATENCYFS_SOURCE)) throw new Error(`${LATENCYFS_SOURCE} is missing`);
  const flags = spawnSync('pkg-config', ['fuse3', '--cflags', '--libs'], { encoding: 'utf8' });
  if (flags.status !== 0) throw new Error('latencyfs needs libfuse 3: apt-get install -y fuse3 libfuse3-dev pkg-config gcc');
  const bin = path.join(dir, 'latencyfs');
  const cc = spawnSync('gcc', ['-O2', '-Wall', '-o', bin, LATENCYFS_SOURCE, ...flags.stdout.trim().split(/\s+/)], { stdio: 'inherit' });
  if (cc.status !== 0) throw new Error(`gcc could not build ${LATENCYFS_SOURCE}`);
  return bin;
}

// Mounts `src` through latencyfs at `mnt` for the length of `fn`, the kernel's cache
// empty at the start; returns { result: what fn returned, stats: latencyfs's --stats line }.
export async function withLatencyfs(bin, src, mnt, delayMs, scratch, fn) {
  const statsFile = path.join(scratch, 'latencyfs-stats.json');
  fs.rmSync(statsFile, { force: true });
  const log = fs.openSync(path.join(scratch, 'latencyfs.log'), 'a');
  const server = spawn(bin, [src, mnt, '--delay-ms', String(delayMs), '--stats', statsFile], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const exited = once(server, 'exit');
  let result;
  try {
    for (let waited = 0; !mountedAt(mnt); waited += 20) {
      if (server.exitCode !== null || waited > 15_000) throw new Error(`latencyfs did not mount ${mnt}; see ${path.join(scratch, 'latencyfs.log')}`);
      await sleep(20);
    }
    result = await fn();
  } finally {
    if (mountedAt(mnt)) unmount(['fusermount3', '-u', mnt], mnt);
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  // The server writes its stats as it exits, after the unmount.
  return { result, stats: JSON.parse(fs.readFileSync(statsFile, 'utf8')) };
}
