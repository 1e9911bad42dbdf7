import type { ChildRow, DirectoryInfo } from './index-read.js';

/** Which size the browser shows: st_blocks x 512 (disk usage, as du and ncdu) or st_size. */
export type SizeKind = 'allocated' | 'apparent';

/** A row's size in the chosen kind; a directory's is its whole subtree's. */
export function rowBytes(row: ChildRow, kind: SizeKind): number | bigint {
  if (row.dir !== undefined) return directoryBytes(row.dir, kind);
  return kind === 'allocated' && row.allocated !== null ? row.allocated : row.size;
}

export function directoryBytes(dir: DirectoryInfo, kind: SizeKind): number | bigint {
  return kind === 'allocated' && dir.allocated !== null ? dir.allocated : dir.apparent;
}

/** Entries counted in the totals: a hard link counted at another path adds none. */
export function rowEntries(row: ChildRow): number {
  return row.dir !== undefined ? row.dir.entries : row.counted ? 1 : 0;
}

export function rowFiles(row: ChildRow): number {
  return row.dir !== undefined ? row.dir.files : row.type === 'file' && row.counted ? 1 : 0;
}

/** The newest mtime of the row and, for a directory, everything below it. */
export function rowNewest(row: ChildRow): number {
  return row.dir !== undefined ? Math.max(row.dir.newestMtime, row.mtime) : row.mtime;
}
