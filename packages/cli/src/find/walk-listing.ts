import type { Walk } from '@pwalk-ts/reader';
import { latin1 } from './byte-text.js';
import type { DirectoryListing } from './primaries.js';

const SLASH = 0x2f;

/**
 * Which directories of a walk hold entries, for -empty: one pass over its records and
 * error records keeping the relative path of every parent (memory grows with
 * directories, not entries). A directory the walk did not read (an error record of its
 * own: unreadable, swapped, a bind-mount loop; or at the walk's --max-depth) is not
 * empty: nothing says it is.
 */
export async function walkDirectoryListing(walk: Walk, signal: AbortSignal): Promise<DirectoryListing> {
  const parents = new Set<string>();
  const unread = new Set<string>();
  const parentKey = (relative: Uint8Array): string => latin1(relative.subarray(0, Math.max(0, relative.lastIndexOf(SLASH))));
  for await (const batch of walk.recordBatches({ onCorrupt: 'skip', signal })) {
    for (const entry of batch) if (entry.depth > 0) parents.add(parentKey(entry.relativePathBytes));
  }
  for await (const error of walk.errors({ onCorrupt: 'skip', signal })) {
    if (error.syscall === 'lstat') parents.add(parentKey(error.relativePathBytes));
    else unread.add(latin1(error.relativePathBytes));
  }
  const maxDepth = walk.manifest?.options.maxDepth ?? null;
  return {
    isEmptyDirectory(entry) {
      if (maxDepth !== null && entry.depth >= maxDepth) return false;
      const key = latin1(entry.relativePathBytes);
      return !parents.has(key) && !unread.has(key);
    },
  };
}
