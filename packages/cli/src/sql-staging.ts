import { existsSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WalkFormatError, type Walk, type WalkErrorCode } from '@pwalk-ts/reader';
import { makeFolders } from '@pwalk-ts/reader/format';
import { exportParquetTables } from '@pwalk-ts/reader/parquet';
import { defaultCacheDir, makeStagingFolder, removeStaleStaging, walkCacheKey } from './walk-cache.js';

/** Bump when the exported tables change (columns, types, encodings), so older cached files are not read. */
const CACHE_FORMAT = 2;
/** Written last into a cache entry: an entry without it is not complete and is never read. */
const META_FILE = 'walk.json';
const ENTRIES_FILE = 'entries.parquet';
const ERRORS_FILE = 'errors.parquet';
/** The walk's two tables as Parquet files. */
export interface StagedTables {
  readonly entries: string;
  readonly errors: string;
  /** True when the files were already in the cache (nothing was read from the walk). */
  readonly cached: boolean;
}

interface StageOptions {
  readonly signal: AbortSignal;
}

/** What a cache entry remembers besides its files: which walk, and the problems reading it met. */
interface CacheMeta {
  readonly format: number;
  readonly dir: string;
  readonly walkId: string | null;
  readonly created: string;
  readonly problems: { code: WalkErrorCode; message: string }[];
}

/** `$XDG_CACHE_HOME/pwalk-ts/sql`, else `~/.cache/pwalk-ts/sql`. */
export function defaultSqlCacheDir(): string {
  return defaultCacheDir('sql');
}

/** Exports the walk's entries and errors into `folder` (which exists). */
export async function stageTables(walk: Walk, folder: string, options: StageOptions): Promise<StagedTables> {
  const entries = join(folder, ENTRIES_FILE);
  const errors = join(folder, ERRORS_FILE);
  const exportOptions = { signal: options.signal, onCorrupt: 'skip' } as const;
  await exportParquetTables(walk, { entries, errors }, exportOptions);
  return { entries, errors, cached: false };
}

/**
 * The walk's tables from the cache folder, staged there first when the walk is not
 * cached yet. An entry is keyed by the walk folder's real path, its walk id and the
 * size, mtime and inode of its manifest and every thread file, so a walk that was
 * rewritten, extended or replaced is staged again; the older entry of the same walk
 * folder is then removed, so the cache holds one entry per walk folder queried. An
 * entry is staged in a temporary folder and renamed into place complete; two
 * commands staging the same walk at once both succeed. On a cache hit the problems
 * the staging met (skipped corrupt blocks) are put back into `walk.problems`, so the
 * command reports them as the first run did.
 */
export async function cachedTables(walk: Walk, cacheDir: string, options: StageOptions): Promise<StagedTables> {
  const dir = realpathSync(walk.dir);
  const key = walkCacheKey(walk, dir, CACHE_FORMAT);
  const entry = join(cacheDir, key);
  removeStaleStaging(cacheDir);
  const hit = readMeta(entry);
  if (hit !== null) {
    for (const p of hit.problems) walk.problems.push(new WalkFormatError(p.code, p.message));
    touch(entry);
    return { entries: join(entry, ENTRIES_FILE), errors: join(entry, ERRORS_FILE), cached: true };
  }
  makeFolders(cacheDir);
  const staging = makeStagingFolder(cacheDir);
  try {
    await stageTables(walk, staging, options);
    const meta: CacheMeta = {
      format: CACHE_FORMAT,
      dir,
      walkId: walk.walkId,
      created: new Date().toISOString(),
      problems: walk.problems.map((p) => ({ code: p.code, message: p.message })),
    };
    writeFileSync(join(staging, META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    try {
      renameSync(staging, entry);
    } catch (cause) {
      // Another command staged the same walk meanwhile: its entry is as good as this one.
      if (readMeta(entry) === null) throw cause;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  removeOtherEntries(cacheDir, key, dir);
  return { entries: join(entry, ENTRIES_FILE), errors: join(entry, ERRORS_FILE), cached: false };
}

function readMeta(entry: string): CacheMeta | null {
  try {
    const meta = JSON.parse(readFileSync(join(entry, META_FILE), 'utf8')) as CacheMeta;
    if (meta.format !== CACHE_FORMAT || !existsSync(join(entry, ENTRIES_FILE)) || !existsSync(join(entry, ERRORS_FILE))) return null;
    return meta;
  } catch {
    return null;
  }
}

/** Marks an entry used (its folder's mtime), for whoever prunes the cache by age. */
function touch(entry: string): void {
  const now = new Date();
  try {
    utimesSync(entry, now, now);
  } catch {
    // a read-only cache is still a cache
  }
}

/** Removes the other entries for the same walk folder: a walk rewritten in place leaves nothing stale behind. */
function removeOtherEntries(cacheDir: string, key: string, dir: string): void {
  for (const name of readdirSync(cacheDir)) {
    if (name === key || name.startsWith('.')) continue;
    if (entryDir(join(cacheDir, name)) === dir) rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
}

/** The walk folder an entry was staged from, whatever its format; null when that cannot be read. */
function entryDir(entry: string): string | null {
  try {
    const { dir } = JSON.parse(readFileSync(join(entry, META_FILE), 'utf8')) as { dir?: unknown };
    return typeof dir === 'string' ? dir : null;
  } catch {
    return null;
  }
}
