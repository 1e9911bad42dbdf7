import type { RootPath } from './root-path.js';

/**
 * A relative path's bytes as a latin1 string, one char per byte: exact for any
 * bytes, so it keys a Map, and `<` on two keys is byte order, the order of
 * `records({ sort: 'path' })`. The empty key is the root.
 */
export function pathKey(relative: Uint8Array): string {
  return Buffer.from(relative.buffer, relative.byteOffset, relative.byteLength).toString('latin1');
}

/**
 * A path key in tree order: '/' as NUL, which no name holds, so `<` sorts each
 * directory straight before its whole subtree, and a subtree before the parent's next
 * child ('a', 'a/x', 'a b' where byte order gives 'a', 'a b', 'a/x'). Children of a
 * directory keep byte order of their names.
 */
export function treeKey(key: string): string {
  // Perf: replaceAll gives a rope of slices (318 bytes per 60-byte key, measured), which
  // the sort holds 250 000 of; join makes one flat string (79 bytes).
  return key.split('/').join('\0');
}

/** The key of the directory holding `key` ('' for the root's children). */
export function parentKey(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

/** How far below the root a key is: 0 for the root itself. */
export function keyDepth(key: string): number {
  if (key === '') return 0;
  // Perf: counting, not split(): an array per directory was 3.5% of directoryTotals.
  let depth = 1;
  for (let at = key.indexOf('/'); at >= 0; at = key.indexOf('/', at + 1)) depth++;
  return depth;
}

/** A key back as the three ways a result names a path: text for people, relative and absolute bytes. */
export function keyPaths(key: string, root: RootPath): { path: string; relativePathBytes: Buffer; pathBytes: Buffer } {
  const relativePathBytes = Buffer.from(key, 'latin1');
  return { path: root.joinString(relativePathBytes), relativePathBytes, pathBytes: root.join(relativePathBytes) };
}
