import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { makeProcessFolder, removeAbandonedFolders, type Walk } from '@pwalk-ts/reader';

/** A staging folder's name: `.staging-PID-HOST-XXXXXX`, so a later run can tell whether its owner is gone. */
const STAGING_PREFIX = '.staging-';
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
  return makeProcessFolder(cacheDir, STAGING_PREFIX);
}

/** Removes staging folders a killed command left behind (removeAbandonedFolders), and any older than a day. */
export function removeStaleStaging(cacheDir: string): void {
  removeAbandonedFolders(cacheDir, STAGING_PREFIX, STALE_STAGING_MS);
}
