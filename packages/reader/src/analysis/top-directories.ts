import { BoundedHeap } from './bounded-heap.js';
import { countOption } from './count-option.js';
import type { DirectoryTotal } from './directory-totals.js';

/** What topDirectories ranks by: recursive apparent or allocated bytes, regular files, or entries. */
export type DirectoryRanking = 'apparent' | 'allocated' | 'files' | 'entries';

/**
 * The `n` directories with the most of `by` (recursive figures, as directoryTotals
 * gives them), largest first; ties in byte order of their paths. 'allocated' needs
 * block counts, which a --compact walk does not record: it throws a RangeError there.
 */
export function topDirectories(totals: readonly DirectoryTotal[], n: number, by: DirectoryRanking): DirectoryTotal[] {
  if (by === 'allocated' && totals.some((t) => t.allocatedBytes === null)) throw compactRanking();
  const measure: (t: DirectoryTotal) => bigint | number =
    by === 'apparent' ? (t) => t.apparentBytes : by === 'allocated' ? (t) => t.allocatedBytes! : by === 'files' ? (t) => t.files : (t) => t.entries;
  return rankDirectories(totals, n, measure, (a, b) => Buffer.compare(a.relativePathBytes, b.relativePathBytes) < 0);
}

/**
 * The one ranking rule of topDirectories, over any form of a directory: the `n` with
 * the most `measure` (numbers and bigints compare exactly with each other), ties by
 * `pathBefore` (byte order of their paths). A bounded heap: no sort of every directory.
 */
export function rankDirectories<T>(dirs: Iterable<T>, n: number, measure: (dir: T) => bigint | number, pathBefore: (a: T, b: T) => boolean): T[] {
  countOption('topDirectories', 'n', n);
  const heap = new BoundedHeap<T>(n, (a, b) => {
    const x = measure(a);
    const y = measure(b);
    return x > y || (x == y && pathBefore(a, b));
  });
  for (const dir of dirs) heap.offer(dir);
  return heap.ranked();
}

/** topDirectories' refusal to rank a --compact walk by allocated bytes. */
export function compactRanking(): RangeError {
  return new RangeError('topDirectories: this walk was made with --compact and has no block counts; rank by apparent size');
}
