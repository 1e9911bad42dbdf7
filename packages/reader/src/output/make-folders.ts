import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates the folder `path` and any missing parents, one component at a time from the
 * deepest that exists, and throws the first failure as the system reported it (EROFS,
 * EACCES, ENOTDIR, ENOSPC...). Node's `mkdirSync(path, { recursive: true })` is not
 * used: where mkdir fails with ENOENT under a folder that exists (/proc, /sys) it
 * climbs back down and retries forever at full CPU, with no signal handled. Each folder
 * made gets `mode` less the umask.
 */
export function makeFolders(path: string, mode = 0o777): void {
  const missing: string[] = [];
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      if (statSync(at).isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: 'ENOTDIR', syscall: 'mkdir', path: at });
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw cause;
      missing.push(at);
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, mode);
    } catch (cause) {
      // Made meanwhile by another process (two walks or sql commands starting at once): as good.
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw cause;
    }
  }
}
