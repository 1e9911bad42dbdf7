import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './process-alive.js';

/**
 * A new temporary folder in `parent` named `PREFIX` + `PID-HOST-` + mkdtemp's six
 * characters (mode 0700), so that removeAbandonedFolders can tell when its maker is gone.
 */
export function makeProcessFolder(parent: string, prefix: string): string {
  return mkdtempSync(join(parent, `${prefix}${process.pid}-${hostname()}-`));
}

/**
 * Removes the folders makeProcessFolder made with `prefix` in `parent` that a killed
 * process left (SIGKILL, a crash, a power loss): those of this host whose process is
 * gone, and any older than `olderThanMs` (another host's, or a pid reused since). Only
 * the caller's own, as mkdtemp made them (a folder of mode 0700, not a symlink): a root
 * job that removed another user's folder recursively would give that user a race to
 * turn the removal elsewhere. Never fails: `parent` may be read-only or gone.
 */
export function removeAbandonedFolders(parent: string, prefix: string, olderThanMs = Infinity): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  const host = hostname();
  const uid = process.geteuid?.() ?? -1;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const maker = /^(\d+)-(.+)-[^-]{6}$/.exec(name.slice(prefix.length));
    if (maker === null) continue;
    const path = join(parent, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o777) !== 0o700) continue;
      const gone = maker[2] === host && !processAlive(Number(maker[1]));
      if (gone || Date.now() - st.mtimeMs > olderThanMs) rmSync(path, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or another run's cleanup was first.
    }
  }
}
