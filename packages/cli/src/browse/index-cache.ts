import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Walk } from '@pwalk-ts/reader';
import { makeFolders } from '@pwalk-ts/reader/format';
import { defaultCacheDir, makeStagingFolder, removeStaleStaging, walkCacheKey } from '../walk-cache.js';
import { buildIndex } from './index-build.js';
import { FORMAT } from './index-layout.js';
import { BrowseIndex, IndexFileError } from './index-read.js';

export interface OpenedIndex {
  readonly index: BrowseIndex;
  /** Where it is kept; null when it was built in a temporary folder (no cache could be written). */
  readonly path: string | null;
  readonly built: boolean;
}

/** `$XDG_CACHE_HOME/pwalk-ts/browse`, else `~/.cache/pwalk-ts/browse`. */
export function browseCacheDir(): string {
  return defaultCacheDir('browse');
}

/**
 * The walk's browse index, from the cache or built there first (`onBuild` is told).
 * Keyed as the sql cache is (walk-cache.ts), so a walk rewritten in place is indexed
 * again and its older index removed; the name starts with a hash of the walk folder's
 * real path, which is how the older one is found. Built under a temporary name and
 * renamed complete (a staging folder a killed run left is removed by a later one, as
 * the sql cache's are). Where no cache can be written (a read-only home) the index is
 * built in a temporary folder and deleted once open.
 */
export async function openBrowseIndex(walk: Walk, signal: AbortSignal, onBuild: () => void): Promise<OpenedIndex> {
  const dir = realpathSync(walk.dir);
  const folderId = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  const name = `${folderId}-${walkCacheKey(walk, dir, FORMAT)}.idx`;
  const cacheDir = browseCacheDir();
  const path = join(cacheDir, name);
  try {
    return { index: BrowseIndex.open(path), path, built: false };
  } catch (err) {
    if (!(err instanceof IndexFileError)) throw err;
  }
  onBuild();
  let folder: string;
  try {
    makeFolders(cacheDir);
    removeStaleStaging(cacheDir);
    folder = makeStagingFolder(cacheDir);
  } catch {
    folder = mkdtempSync(join(tmpdir(), 'pwalk-ts-browse-'));
    try {
      await buildIndex(walk, join(folder, name), signal);
      return { index: BrowseIndex.open(join(folder, name)), path: null, built: true };
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  try {
    await buildIndex(walk, join(folder, name), signal);
    renameSync(join(folder, name), path);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  for (const other of readdirSync(cacheDir)) {
    if (other !== name && other.startsWith(`${folderId}-`)) rmSync(join(cacheDir, other), { force: true });
  }
  return { index: BrowseIndex.open(path), path, built: true };
}
