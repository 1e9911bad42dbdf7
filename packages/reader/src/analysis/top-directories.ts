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
  countOption('topDirectories', 'n', n);
  if (by === 'allocated' && totals.some((t) => t.allocatedBytes === null)) {
    throw new RangeError('topDirectories: this walk was made with --compact and has no block counts; rank by apparent size');
  }
  const measure: (t: DirectoryTotal) => bigint | number =
    by === 'apparent' ? (t) => t.apparentBytes : by === 'allocated' ? (t) => t.allocatedBytes! : by === 'files' ? (t) => t.files : (t) => t.entries;
  const heap = new BoundedHeap<DirectoryTotal>(n, (a, b) => {
    const x = measure(a);
    const y = measure(b);
    return x > y || (x === y && Buffer.compare(a.relativePathBytes, b.relativePathBytes) < 0);
  });
  for (const t of totals) heap.offer(t);
  return heap.ranked();
}
