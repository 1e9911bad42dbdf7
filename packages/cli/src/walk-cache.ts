import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive, type Walk } from '@pwalk-ts/reader';

/** A staging folder's name: `.staging-PID-HOST-XXXXXX`, so a later run can tell whether its owner is gone. */
const STAGING_PREFIX = '.staging-';
const STAGING_NAME = /^\.staging-(\d+)-(.+)-[^-]{6}$/;
/** A staging folder older than this is left over whoever made it: no staging takes a day. */
const STALE_STAGING_MS = 24 * 60 * 60 * 1000;

/**
 * The key of what a cache keeps for a walk (the sql command's Parquet files, trend's
 * summaries): the cache's format, the walk folder's real path, its walk id and the
 * size, mtime and inode of its manifest and every thread file. A walk that was
 * rewritten, extended or replaced gets another key, so a stale entry is never read.
 */
export function walkCacheKey(walk: Walk, realDir: string, format: number): string {
  const identity = (path: string): string => {
    try {
      const s = statSync(path, { bigint: true });
      return `${s.size}:${s.mtimeNs}:${s.ino}`;
    } catch {
      return 'missing';
    }
  };
  const parts = {
    format,
    dir: realDir,
    walkId: walk.walkId,
    manifest: identity(join(walk.dir, 'manifest.msgpack')),
    files: walk.files.map((f) => [f.name, identity(f.path)]),
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/** A cache's folder: `$XDG_CACHE_HOME/pwalk-ts/NAME`, else `~/.cache/pwalk-ts/NAME`. */
export function defaultCacheDir(name: string): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'pwalk-ts', name);
}

/** A new staging folder in `cacheDir`, named so that removeStaleStaging can tell when its maker is gone. */
export function makeStagingFolder(cacheDir: string): string {
  return mkdtempSync(join(cacheDir, `${STAGING_PREFIX}${process.pid}-${hostname()}-`));
}

/**
 * Removes staging folders a killed command left behind (SIGKILL, a crash, power loss):
 * those whose process is gone from this host, and any older than a day (another
 * host's, or a pid reused since). Never fails the command: the cache may be read-only.
 */
export function removeStaleStaging(cacheDir: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return;
  }
  const host = hostname();
  for (const name of names) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const path = join(cacheDir, name);
    try {
      const owner = STAGING_NAME.exec(name);
      const orphan = owner !== null && owner[2] === host && !processAlive(Number(owner[1]));
      if (orphan || Date.now() - statSync(path).mtimeMs > STALE_STAGING_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone meanwhile, or not ours to remove: the next run tries again
    }
  }
}
